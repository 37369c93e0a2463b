-- krtrade's own option analytics (docs/options.md, units in docs/storage.md): per option row our Black-76 IV
-- and greeks beside KIS's, the forward and time to expiry they used; the same forward on the matrix rows;
-- one volatility-surface slice per expiry and minute.

ALTER TABLE option_chain_raw
  ADD COLUMN IF NOT EXISTS own_iv DOUBLE PRECISION,
  ADD COLUMN IF NOT EXISTS own_iv_missing_reason TEXT,
  ADD COLUMN IF NOT EXISTS own_delta DOUBLE PRECISION,
  ADD COLUMN IF NOT EXISTS own_gamma DOUBLE PRECISION,
  ADD COLUMN IF NOT EXISTS own_theta DOUBLE PRECISION,
  ADD COLUMN IF NOT EXISTS own_vega DOUBLE PRECISION,
  ADD COLUMN IF NOT EXISTS forward DOUBLE PRECISION,
  ADD COLUMN IF NOT EXISTS years_to_expiry DOUBLE PRECISION;
ALTER TABLE option_chain_raw DROP CONSTRAINT IF EXISTS option_chain_raw_own_iv;
-- Never 0; missing = NULL with the reason (src/options/board-analytics.ts, OWN_IV_MISSING_REASONS).
ALTER TABLE option_chain_raw ADD CONSTRAINT option_chain_raw_own_iv CHECK (
  (own_iv IS NULL OR own_iv > 0) AND (own_iv IS NULL OR own_iv_missing_reason IS NULL)
  AND (own_iv_missing_reason IS NULL OR own_iv_missing_reason IN
    ('no_price', 'no_forward', 'expired', 'below_intrinsic', 'no_time_value', 'above_upper_bound', 'not_converged', 'invalid_input')));

-- Matrix tables are created on first sight (src/db/dynamic-tables.ts, which now adds these columns itself);
-- the ones that already exist get them here.
DO $$
DECLARE
  t TEXT;
BEGIN
  FOR t IN SELECT name FROM dynamic_tables WHERE kind = 'option_matrices' AND to_regclass(name) IS NOT NULL LOOP
    EXECUTE format('ALTER TABLE %I ADD COLUMN IF NOT EXISTS forward DOUBLE PRECISION, ' ||
      'ADD COLUMN IF NOT EXISTS underlying_price DOUBLE PRECISION, ADD COLUMN IF NOT EXISTS years_to_expiry DOUBLE PRECISION, ' ||
      'ADD COLUMN IF NOT EXISTS greeks_source TEXT', t);
  END LOOP;
END $$;

CREATE TABLE IF NOT EXISTS vol_surface (
  "timestamp" TIMESTAMP NOT NULL,
  -- KOSPI200:20261210 (underlying and expiry), as on the matrix rows; underlying alone for calendar checks.
  underlying_symbol TEXT NOT NULL,
  underlying TEXT NOT NULL,
  expiry DATE NOT NULL,
  forward DOUBLE PRECISION,
  forward_source TEXT CHECK (forward_source IN ('parity', 'futures', 'spot_carry')),
  forward_uncertainty DOUBLE PRECISION,
  underlying_price DOUBLE PRECISION,
  years_to_expiry DOUBLE PRECISION NOT NULL,
  rate DOUBLE PRECISION NOT NULL,
  atm_iv DOUBLE PRECISION,
  rr25 DOUBLE PRECISION,
  bf25 DOUBLE PRECISION,
  skew_slope DOUBLE PRECISION,
  svi_a DOUBLE PRECISION,
  svi_b DOUBLE PRECISION,
  svi_rho DOUBLE PRECISION,
  svi_m DOUBLE PRECISION,
  svi_s DOUBLE PRECISION,
  fit_rmse DOUBLE PRECISION,
  fit_points INTEGER NOT NULL,
  butterfly_arbitrage BOOLEAN,
  calendar_arbitrage BOOLEAN,
  CONSTRAINT vol_surface_key UNIQUE (underlying_symbol, "timestamp")
);
CREATE INDEX IF NOT EXISTS vol_surface_underlying_time ON vol_surface (underlying, "timestamp");
