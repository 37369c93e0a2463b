-- Missing option values are NULL, never 0 (docs/storage.md, "Missing values"). KIS sends 0 for "none":
-- no IV solved, an empty side of the book, and for a strike that has not traded this session its base
-- price as the current price. Until now those zeros were stored as data.

-- Why a row has no IV: no_trade | below_intrinsic | not_computed (src/market/types.ts). NULL when it has one.
ALTER TABLE option_chain_raw ADD COLUMN IF NOT EXISTS iv_missing_reason TEXT;
ALTER TABLE option_chain_raw DROP CONSTRAINT IF EXISTS option_chain_raw_iv_missing_reason;
ALTER TABLE option_chain_raw ADD CONSTRAINT option_chain_raw_iv_missing_reason
  CHECK (iv_missing_reason IS NULL OR (iv IS NULL AND iv_missing_reason IN ('no_trade', 'below_intrinsic', 'not_computed')));

-- Repair what was stored before. Every SET expression reads the row as it was. Unambiguous zeros only:
-- an IV, a price, a bid or an ask of 0; the price of a strike with no volume (KIS's base price); the
-- greeks of a row whose IV and greeks were all 0 (KIS computed nothing). Whether a stored price was at or
-- below intrinsic cannot be told afterwards (the index level was not stored), so such rows read not_computed.
UPDATE option_chain_raw SET
  price = CASE WHEN volume = 0 OR price = 0 THEN NULL ELSE price END,
  bid = NULLIF(bid, 0),
  ask = NULLIF(ask, 0),
  iv = NULLIF(iv, 0),
  iv_missing_reason = CASE
    WHEN iv IS NULL OR iv = 0 THEN CASE WHEN volume = 0 OR price IS NULL OR price = 0 THEN 'no_trade' ELSE 'not_computed' END
  END,
  delta = CASE WHEN coalesce(iv, 0) = 0 AND delta = 0 AND gamma = 0 AND theta = 0 AND vega = 0 THEN NULL ELSE delta END,
  gamma = CASE WHEN coalesce(iv, 0) = 0 AND delta = 0 AND gamma = 0 AND theta = 0 AND vega = 0 THEN NULL ELSE gamma END,
  theta = CASE WHEN coalesce(iv, 0) = 0 AND delta = 0 AND gamma = 0 AND theta = 0 AND vega = 0 THEN NULL ELSE theta END,
  vega = CASE WHEN coalesce(iv, 0) = 0 AND delta = 0 AND gamma = 0 AND theta = 0 AND vega = 0 THEN NULL ELSE vega END
WHERE iv IS NULL OR iv = 0 OR price = 0 OR bid = 0 OR ask = 0 OR volume = 0;

-- Matrix cells of 0 in the iv and price metrics were the same zeros (a real IV or option price is never 0).
DO $$
DECLARE
  t TEXT;
  sets TEXT;
BEGIN
  FOR t IN SELECT name FROM dynamic_tables WHERE kind = 'option_matrices' AND to_regclass(name) IS NOT NULL LOOP
    SELECT string_agg(format('%I = NULLIF(%I, 0)', column_name, column_name), ', ') INTO sets
      FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = t AND (column_name LIKE 'call\_%' OR column_name LIKE 'put\_%');
    IF sets IS NOT NULL THEN
      EXECUTE format('UPDATE %I SET %s WHERE metric_type IN (''iv'', ''price'')', t, sets);
    END IF;
  END LOOP;
END $$;
