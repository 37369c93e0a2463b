/** A RecordSink for tests that keeps what it receives (the real one is the recorder). */
import type { RecordSink, WsRecord } from '../../src/stream/types.js';

export class CountingSink implements RecordSink {
  readonly records: WsRecord[] = [];
  closed = false;
  write(record: WsRecord): boolean {
    this.records.push(record);
    return true;
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
