-- Calendar overrides: closures or session changes announced after release (KRX notices, KIS chk-holiday,
-- or the operator). Times are KST wall-clock 'HH:MM'; NULL means "as the shipped calendar says".
CREATE TABLE IF NOT EXISTS calendar_overrides (
  date DATE NOT NULL,
  -- 'all', 'stocks', 'derivatives' or 'night'
  product TEXT NOT NULL DEFAULT 'all',
  kind TEXT NOT NULL CHECK (kind IN ('closed', 'open', 'session')),
  open_time TEXT,
  close_time TEXT,
  reason TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT 'user',
  created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Seoul'),
  PRIMARY KEY (date, product)
);
