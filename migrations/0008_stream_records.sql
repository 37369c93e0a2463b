-- The realtime recorder (src/stream/recorder.ts): every trade and order-book record KIS streams is stored.

-- KIS stamps realtime records to the second, and the order book of an active instrument changes several
-- times a second, so (symbol, trading_date, timestamp) cannot identify a snapshot. `seq` is the snapshot's
-- ordinal among those of the same symbol and second, in arrival order (0 first); writers that store one
-- snapshot per second leave it 0.
ALTER TABLE quotes ADD COLUMN IF NOT EXISTS seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE quotes DROP CONSTRAINT IF EXISTS quotes_key;
ALTER TABLE quotes ADD CONSTRAINT quotes_key UNIQUE (symbol, trading_date, "timestamp", seq);

-- Per instrument, what the recorder has committed, updated in the same transaction as the records: after
-- a crash the records lost are exactly those after `last_time` (stream gaps start there).
CREATE TABLE IF NOT EXISTS stream_progress (
  symbol TEXT PRIMARY KEY,
  trading_date DATE NOT NULL,
  -- KST exchange time of the newest committed record (trade or quote), second resolution.
  last_time TIMESTAMP(3) NOT NULL,
  -- `seq` of the newest committed quote at `last_quote_time`; NULL before the first quote.
  last_quote_time TIMESTAMP(3),
  last_quote_seq INTEGER,
  -- Records of this instrument committed since the row was created (trades + quotes).
  records BIGINT NOT NULL DEFAULT 0,
  committed_at TIMESTAMP(3) NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Seoul')
);

-- 1-minute bars built from streamed trades (src/stream/tick-bars.ts), labelled by minute start (KST).
CREATE TABLE IF NOT EXISTS tick_bars_1m (
  symbol TEXT NOT NULL,
  "timestamp" TIMESTAMP NOT NULL,
  trading_date DATE NOT NULL,
  open DOUBLE PRECISION NOT NULL,
  high DOUBLE PRECISION NOT NULL,
  low DOUBLE PRECISION NOT NULL,
  close DOUBLE PRECISION NOT NULL,
  -- Sum of the trades' quantities (shares / contracts).
  volume BIGINT NOT NULL,
  trades INTEGER NOT NULL,
  CONSTRAINT tick_bars_1m_key PRIMARY KEY (symbol, "timestamp")
);
CREATE INDEX IF NOT EXISTS tick_bars_1m_date ON tick_bars_1m (trading_date);

-- A minute whose tick-built bar differs from the REST bar stored for it: both values, as stored.
CREATE TABLE IF NOT EXISTS data_quality_bars (
  symbol TEXT NOT NULL,
  "timestamp" TIMESTAMP NOT NULL,
  trading_date DATE NOT NULL,
  -- Candle family table the REST bar is in (futures_101, stocks_1m, ...).
  family TEXT NOT NULL,
  tick_bar JSONB NOT NULL,
  rest_bar JSONB NOT NULL,
  -- Which of open/high/low/close/volume differ.
  fields TEXT[] NOT NULL,
  detected_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Seoul'),
  CONSTRAINT data_quality_bars_key UNIQUE (symbol, "timestamp", family)
);
