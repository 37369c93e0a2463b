-- Late data reaching strategies. Each live minute batch records the instruments it ran without; a candle
-- stored later for one of them (repair loop, backfill, a late live fetch) re-runs the batch once, and the
-- signals that re-run adds or changes are flagged late.
ALTER TABLE signals ADD COLUMN IF NOT EXISTS late BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE IF NOT EXISTS strategy_batches (
  minute TIMESTAMP PRIMARY KEY,
  -- NULL while the on-time run is in progress (a late run then waits for it).
  ran_at TIMESTAMP,
  -- Instruments still missing from this batch's runs (expected when the run started, then what it lacked).
  missing TEXT[] NOT NULL DEFAULT '{}',
  -- Instruments that arrived after the on-time run and were run late.
  late_codes TEXT[] NOT NULL DEFAULT '{}',
  late_runs INTEGER NOT NULL DEFAULT 0,
  late_ran_at TIMESTAMP,
  -- A late run in progress: {"codes": [...], "before": [signals of the minute before it]}; NULL otherwise.
  late_pending JSONB
);
CREATE INDEX IF NOT EXISTS strategy_batches_with_missing ON strategy_batches (minute) WHERE cardinality(missing) > 0;
