-- Strategy output, operational state and bookkeeping of the storage layer itself.

CREATE TABLE IF NOT EXISTS signals (
  strategy TEXT NOT NULL,
  "timestamp" TIMESTAMP NOT NULL,
  symbol TEXT NOT NULL,
  kind TEXT NOT NULL,
  value DOUBLE PRECISION,
  payload JSONB NOT NULL DEFAULT '{}'::jsonb,
  updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Seoul'),
  CONSTRAINT signals_key UNIQUE (strategy, "timestamp", symbol, kind)
);
CREATE INDEX IF NOT EXISTS signals_symbol_time ON signals (symbol, "timestamp");

CREATE TABLE IF NOT EXISTS system_status (
  component TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  data_count BIGINT,
  last_data_time TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Seoul')
);

CREATE TABLE IF NOT EXISTS data_quality (
  instrument TEXT NOT NULL,
  trading_date DATE NOT NULL,
  expected INTEGER NOT NULL,
  actual INTEGER NOT NULL,
  -- Start times of the expected candles that are missing.
  missing_minutes TIMESTAMP[] NOT NULL DEFAULT '{}',
  checked_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Seoul'),
  CONSTRAINT data_quality_key UNIQUE (instrument, trading_date)
);

-- Rows the writer refused, with the reason. The same row refused again for the same reason is kept once.
CREATE TABLE IF NOT EXISTS rejected_rows (
  id BIGSERIAL PRIMARY KEY,
  table_name TEXT NOT NULL,
  "row" JSONB NOT NULL,
  reason TEXT NOT NULL,
  rejected_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Seoul')
);
CREATE UNIQUE INDEX IF NOT EXISTS rejected_rows_once ON rejected_rows (table_name, md5("row"::text), reason);
CREATE INDEX IF NOT EXISTS rejected_rows_time ON rejected_rows (rejected_at);

-- Tables created on first sight (candle families, matrix products, day partitions), for `db status`.
CREATE TABLE IF NOT EXISTS dynamic_tables (
  name TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  parent TEXT,
  strikes_per_side INTEGER,
  created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Seoul')
);

-- Newest stored time per (source table, symbol), maintained by the writer in the same transaction as the
-- data, so "how fresh is each instrument" never scans a data table.
CREATE TABLE IF NOT EXISTS data_latest (
  source TEXT NOT NULL,
  symbol TEXT NOT NULL,
  last_time TIMESTAMP NOT NULL,
  PRIMARY KEY (source, symbol)
);
