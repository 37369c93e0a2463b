-- The paper broker: orders from live trading signals, their fills by the backtest's fill model, and the
-- resulting positions. Natural keys make a re-run batch a no-op: an order's id is its signal's key
-- (strategy, symbol, signal minute, intent), a fill's key is its order. Money in won, prices in the
-- instrument's price unit, times KST wall-clock. (Alerts need no table: delivery state lives in BullMQ.)

CREATE TABLE IF NOT EXISTS paper_orders (
  id TEXT PRIMARY KEY,
  strategy TEXT NOT NULL,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  intent TEXT NOT NULL CHECK (intent IN ('enter_long', 'enter_short', 'exit')),
  signal_time TIMESTAMP NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'filled', 'cancelled')),
  created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Seoul'),
  CONSTRAINT paper_orders_signal UNIQUE (strategy, symbol, signal_time, intent)
);
CREATE INDEX IF NOT EXISTS paper_orders_open ON paper_orders (status) WHERE status = 'open';

CREATE TABLE IF NOT EXISTS paper_fills (
  order_id TEXT PRIMARY KEY REFERENCES paper_orders (id),
  strategy TEXT NOT NULL,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  price DOUBLE PRECISION NOT NULL,
  "timestamp" TIMESTAMP NOT NULL,
  commission DOUBLE PRECISION NOT NULL,
  tax DOUBLE PRECISION NOT NULL,
  realized DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS paper_fills_strategy_time ON paper_fills (strategy, "timestamp");

CREATE TABLE IF NOT EXISTS paper_positions (
  strategy TEXT NOT NULL,
  symbol TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  average_price DOUBLE PRECISION NOT NULL,
  realized DOUBLE PRECISION NOT NULL,
  costs DOUBLE PRECISION NOT NULL,
  last_fill_time TIMESTAMP NOT NULL,
  PRIMARY KEY (strategy, symbol)
);
