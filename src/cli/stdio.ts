/**
 * Standard streams of a one-shot command. A reader that goes away (`krtrade db export … | head -3`) is
 * not an error: the command stops quietly, as Unix tools do, instead of printing an EPIPE stack trace.
 */

/** True for the error a write to a pipe whose reader has gone away fails with. */
export function isBrokenPipe(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'EPIPE';
}

/** Installs the quiet exit on stdout's broken pipe; stderr's is ignored (nobody is left to tell). */
export function exitQuietlyOnBrokenPipe(): void {
  process.stdout.on('error', (e) => {
    if (isBrokenPipe(e)) process.exit(0);
    throw e;
  });
  process.stderr.on('error', (e) => {
    if (!isBrokenPipe(e)) throw e;
  });
}
