-- Market data. Every timestamp is KST wall-clock in a TIMESTAMP column (see docs/storage.md).
-- Tables named per family / product / day (futures_101, option_matrices_101, ticks_20261124, …) are
-- created on first write by src/db/dynamic-tables.ts; this file creates their parents.

CREATE TABLE IF NOT EXISTS instruments (
  code TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('stock', 'future', 'call', 'put')),
  family TEXT NOT NULL,
  name TEXT NOT NULL,
  market TEXT,
  underlying TEXT,
  expiry DATE,
  strike DOUBLE PRECISION,
  option_right CHAR(1) CHECK (option_right IN ('C', 'P')),
  series TEXT,
  multiplier DOUBLE PRECISION NOT NULL,
  tick_size DOUBLE PRECISION,
  listed BOOLEAN NOT NULL DEFAULT TRUE,
  expired BOOLEAN NOT NULL DEFAULT FALSE,
  updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Seoul')
);
CREATE INDEX IF NOT EXISTS instruments_underlying_expiry ON instruments (underlying, expiry);

-- One parent for every minute candle; one LIST partition per table family (futures_101, stocks_1m, …).
-- The partition key is the partition's own name, so `WHERE family = 'futures_101'` prunes to it. Uniqueness
-- is declared per partition (symbol, timestamp): the family is constant inside a partition, so that is
-- global uniqueness without a second, wider index on every row.
CREATE TABLE IF NOT EXISTS candles_1m (
  family TEXT NOT NULL,
  "timestamp" TIMESTAMP NOT NULL,
  symbol TEXT NOT NULL,
  -- The trading day the candle belongs to: a night candle at 01:30 belongs to the next trading day.
  trading_date DATE NOT NULL,
  open DOUBLE PRECISION NOT NULL,
  high DOUBLE PRECISION NOT NULL,
  low DOUBLE PRECISION NOT NULL,
  close DOUBLE PRECISION NOT NULL,
  volume BIGINT NOT NULL CHECK (volume >= 0),
  open_interest BIGINT,
  CHECK (low <= high)
) PARTITION BY LIST (family);

-- Realtime trades: immutable, one partition per trading day. A trade is identified by its cumulative
-- volume (누적거래량) within the session; the timestamp separates the night and day sessions of one date.
CREATE TABLE IF NOT EXISTS ticks (
  "timestamp" TIMESTAMP(3) NOT NULL,
  symbol TEXT NOT NULL,
  trading_date DATE NOT NULL,
  price DOUBLE PRECISION NOT NULL,
  volume BIGINT NOT NULL,
  cum_volume BIGINT NOT NULL,
  -- 'B' buyer-initiated, 'S' seller-initiated, NULL unknown
  side CHAR(1),
  open_interest BIGINT,
  CONSTRAINT ticks_key UNIQUE (symbol, trading_date, "timestamp", cum_volume)
) PARTITION BY RANGE (trading_date);

-- Order-book snapshots (best levels first); the latest snapshot at a timestamp wins.
CREATE TABLE IF NOT EXISTS quotes (
  "timestamp" TIMESTAMP(3) NOT NULL,
  symbol TEXT NOT NULL,
  trading_date DATE NOT NULL,
  ask_prices DOUBLE PRECISION[] NOT NULL,
  ask_sizes BIGINT[] NOT NULL,
  bid_prices DOUBLE PRECISION[] NOT NULL,
  bid_sizes BIGINT[] NOT NULL,
  total_ask_size BIGINT,
  total_bid_size BIGINT,
  CONSTRAINT quotes_key UNIQUE (symbol, trading_date, "timestamp")
) PARTITION BY RANGE (trading_date);

-- Every strike of every option-board snapshot, as KIS reported it (IV and greeks are KIS's).
CREATE TABLE IF NOT EXISTS option_chain_raw (
  "timestamp" TIMESTAMP NOT NULL,
  code TEXT NOT NULL,
  underlying_symbol TEXT NOT NULL,
  expiry DATE,
  strike DOUBLE PRECISION NOT NULL,
  option_right CHAR(1) NOT NULL CHECK (option_right IN ('C', 'P')),
  price DOUBLE PRECISION,
  bid DOUBLE PRECISION,
  ask DOUBLE PRECISION,
  volume BIGINT,
  open_interest BIGINT,
  iv DOUBLE PRECISION,
  delta DOUBLE PRECISION,
  gamma DOUBLE PRECISION,
  theta DOUBLE PRECISION,
  vega DOUBLE PRECISION,
  underlying_price DOUBLE PRECISION,
  CONSTRAINT option_chain_raw_key UNIQUE ("timestamp", code)
);
CREATE INDEX IF NOT EXISTS option_chain_raw_underlying_time ON option_chain_raw (underlying_symbol, "timestamp");
