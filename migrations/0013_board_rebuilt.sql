-- Board minutes rebuilt after the fact (src/repair/boards-rebuild.ts): KIS keeps no option-board history, so a
-- missed minute is rebuilt from the per-strike minute candles and the futures bar, with our own IV and greeks
-- recomputed. `rebuilt` says which rows came that way (false: the board as KIS sent it at that minute).
ALTER TABLE option_chain_raw ADD COLUMN IF NOT EXISTS rebuilt BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE vol_surface ADD COLUMN IF NOT EXISTS rebuilt BOOLEAN NOT NULL DEFAULT false;
