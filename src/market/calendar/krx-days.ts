/**
 * KRX weekday closures and special sessions, 2020-01-01 to 2027-12-31 (plain weekends are not listed).
 *
 * Provenance: compiled from the official 월력요항 (statutory holiday gazette), KRX notices as reported in the
 * Korean press, and cross-checked against exchange_calendars (XKRX) and vacanza/holidays; `source` names the
 * evidence per row. `derived` rows (mostly 2027, and CSAT hours not yet announced) follow the rules but have no
 * KRX notice yet: expect temporary holidays to be added through calendar overrides.
 * Times are KST `HH:MM`; `derivatives` is the equity-index day session (KOSPI200, mini, KOSDAQ150).
 */

export type KrxDayKind = 'closed' | 'late_open' | 'csat';

export interface KrxDayRecord {
  date: string;
  kind: KrxDayKind;
  name: string;
  stocks?: { open: string; close: string };
  derivatives?: { open: string; close: string };
  confidence: 'confirmed' | 'derived';
  source: string;
}

/** First and last date the shipped data covers; outside it the calendar refuses to guess. */
export const KRX_DATA_FROM = '2020-01-01';
export const KRX_DATA_TO = '2027-12-31';

// One row per line: this is data.
// prettier-ignore
export const KRX_DAYS: readonly KrxDayRecord[] = [
  { date: '2020-01-01', kind: 'closed', name: 'New Year\'s Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2020-01-02', kind: 'late_open', name: 'First trading day', stocks: { open: '10:00', close: '15:30' }, derivatives: { open: '10:00', close: '15:45' }, confidence: 'confirmed', source: 'xc xkrx.csv (10:00 open); KRX practice: index/KTB F/O +1h' },
  { date: '2020-01-24', kind: 'closed', name: 'Seollal', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2020-01-27', kind: 'closed', name: 'Substitute holiday (Seollal)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2020-04-15', kind: 'closed', name: 'Election day (National Assembly)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2020-04-30', kind: 'closed', name: 'Buddha\'s Birthday', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2020-05-01', kind: 'closed', name: 'Workers\' Day', confidence: 'confirmed', source: 'xc xkrx.csv; KRX-only closure (xc LaborDayBeforePublicHoliday; vh KR bank cat.)' },
  { date: '2020-05-05', kind: 'closed', name: 'Children\'s Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2020-08-17', kind: 'closed', name: 'Temporary public holiday', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette; KRX notice (wowtv 2020-07-30)' },
  { date: '2020-09-30', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2020-10-01', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2020-10-02', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2020-10-09', kind: 'closed', name: 'Hangul Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2020-12-03', kind: 'csat', name: 'CSAT day', stocks: { open: '10:00', close: '16:30' }, derivatives: { open: '10:00', close: '16:45' }, confidence: 'confirmed', source: 'xc xkrx.csv; newspim 2020-11-23' },
  { date: '2020-12-25', kind: 'closed', name: 'Christmas Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2020-12-31', kind: 'closed', name: 'Year-end closure', confidence: 'confirmed', source: 'xc xkrx.csv; KRX year-end rule; KRX notice (sedaily 2020-12-24)' },
  { date: '2021-01-01', kind: 'closed', name: 'New Year\'s Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2021-01-04', kind: 'late_open', name: 'First trading day', stocks: { open: '10:00', close: '15:30' }, derivatives: { open: '10:00', close: '15:45' }, confidence: 'confirmed', source: 'xc xkrx.csv; sedaily 2020-12-24' },
  { date: '2021-02-11', kind: 'closed', name: 'Seollal', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2021-02-12', kind: 'closed', name: 'Seollal', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2021-03-01', kind: 'closed', name: 'Independence Movement Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2021-05-05', kind: 'closed', name: 'Children\'s Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2021-05-19', kind: 'closed', name: 'Buddha\'s Birthday', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2021-08-16', kind: 'closed', name: 'Substitute holiday (Liberation Day)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette; KRX notice (ajunews 2021-08-04)' },
  { date: '2021-09-20', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2021-09-21', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2021-09-22', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2021-10-04', kind: 'closed', name: 'Substitute holiday (National Foundation Day)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette; KRX notice (ajunews 2021-08-04)' },
  { date: '2021-10-11', kind: 'closed', name: 'Substitute holiday (Hangul Day)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette; KRX notice (ajunews 2021-08-04)' },
  { date: '2021-11-18', kind: 'csat', name: 'CSAT day', stocks: { open: '10:00', close: '16:30' }, derivatives: { open: '10:00', close: '16:45' }, confidence: 'confirmed', source: 'xc xkrx.csv; donga 2021-11-04' },
  { date: '2021-12-31', kind: 'closed', name: 'Year-end closure', confidence: 'confirmed', source: 'xc xkrx.csv; KRX year-end rule' },
  { date: '2022-01-03', kind: 'late_open', name: 'First trading day', stocks: { open: '10:00', close: '15:30' }, derivatives: { open: '10:00', close: '15:45' }, confidence: 'confirmed', source: 'xc xkrx.csv; newspim 2022-01-03' },
  { date: '2022-01-31', kind: 'closed', name: 'Seollal', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2022-02-01', kind: 'closed', name: 'Seollal', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2022-02-02', kind: 'closed', name: 'Seollal', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2022-03-01', kind: 'closed', name: 'Independence Movement Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2022-03-09', kind: 'closed', name: 'Election day (presidential)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette; KRX holiday page (xc PR #150)' },
  { date: '2022-05-05', kind: 'closed', name: 'Children\'s Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2022-06-01', kind: 'closed', name: 'Election day (local)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette; KRX holiday page (xc PR #150)' },
  { date: '2022-06-06', kind: 'closed', name: 'Memorial Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2022-08-15', kind: 'closed', name: 'Liberation Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2022-09-09', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2022-09-12', kind: 'closed', name: 'Substitute holiday (Chuseok)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2022-10-03', kind: 'closed', name: 'National Foundation Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2022-10-10', kind: 'closed', name: 'Substitute holiday (Hangul Day)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2022-11-17', kind: 'csat', name: 'CSAT day', stocks: { open: '10:00', close: '16:30' }, derivatives: { open: '10:00', close: '16:45' }, confidence: 'confirmed', source: 'xc xkrx.csv; khan 2022-11-16; wowtv 2022-11-03' },
  { date: '2022-12-30', kind: 'closed', name: 'Year-end closure', confidence: 'confirmed', source: 'xc xkrx.csv; KRX year-end rule' },
  { date: '2023-01-02', kind: 'late_open', name: 'First trading day', stocks: { open: '10:00', close: '15:30' }, derivatives: { open: '10:00', close: '15:45' }, confidence: 'confirmed', source: 'xc xkrx.csv; KRX practice: index/KTB F/O +1h (pre-08:45 schedule)' },
  { date: '2023-01-23', kind: 'closed', name: 'Seollal', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2023-01-24', kind: 'closed', name: 'Substitute holiday (Seollal)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2023-03-01', kind: 'closed', name: 'Independence Movement Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2023-05-01', kind: 'closed', name: 'Workers\' Day', confidence: 'confirmed', source: 'xc xkrx.csv; KRX-only closure (xc LaborDayBeforePublicHoliday; vh KR bank cat.)' },
  { date: '2023-05-05', kind: 'closed', name: 'Children\'s Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2023-05-29', kind: 'closed', name: 'Substitute holiday (Buddha\'s Birthday)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette; KRX notice (s-d.kr 2023-05)' },
  { date: '2023-06-06', kind: 'closed', name: 'Memorial Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2023-08-15', kind: 'closed', name: 'Liberation Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2023-09-28', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2023-09-29', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2023-10-02', kind: 'closed', name: 'Temporary public holiday', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette; KRX notice (wowtv 2023-09-11)' },
  { date: '2023-10-03', kind: 'closed', name: 'National Foundation Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2023-10-09', kind: 'closed', name: 'Hangul Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2023-11-16', kind: 'csat', name: 'CSAT day', stocks: { open: '10:00', close: '16:30' }, derivatives: { open: '09:45', close: '16:45' }, confidence: 'confirmed', source: 'xc xkrx.csv; KRX +1h rule on 08:45 deriv schedule' },
  { date: '2023-12-25', kind: 'closed', name: 'Christmas Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2023-12-29', kind: 'closed', name: 'Year-end closure', confidence: 'confirmed', source: 'xc xkrx.csv; KRX year-end rule; KRX notice (chosunbiz 2023-12-14)' },
  { date: '2024-01-01', kind: 'closed', name: 'New Year\'s Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2024-01-02', kind: 'late_open', name: 'First trading day', stocks: { open: '10:00', close: '15:30' }, derivatives: { open: '09:45', close: '15:45' }, confidence: 'confirmed', source: 'xc xkrx.csv; chosunbiz 2023-12-14 (deriv 09:45 or 10:00 by product)' },
  { date: '2024-02-09', kind: 'closed', name: 'Seollal', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2024-02-12', kind: 'closed', name: 'Substitute holiday (Seollal)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2024-03-01', kind: 'closed', name: 'Independence Movement Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2024-04-10', kind: 'closed', name: 'Election day (National Assembly)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette; KRX notice (businesspost 2024-03-27)' },
  { date: '2024-05-01', kind: 'closed', name: 'Workers\' Day', confidence: 'confirmed', source: 'xc xkrx.csv; KRX-only closure (xc LaborDayBeforePublicHoliday; vh KR bank cat.); KRX notice (businesspost 2024-03-27)' },
  { date: '2024-05-06', kind: 'closed', name: 'Substitute holiday (Children\'s Day)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2024-05-15', kind: 'closed', name: 'Buddha\'s Birthday', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2024-06-06', kind: 'closed', name: 'Memorial Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2024-08-15', kind: 'closed', name: 'Liberation Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2024-09-16', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2024-09-17', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2024-09-18', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2024-10-01', kind: 'closed', name: 'Temporary public holiday (Armed Forces Day)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette; KRX notice (tf 2024-09-10)' },
  { date: '2024-10-03', kind: 'closed', name: 'National Foundation Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2024-10-09', kind: 'closed', name: 'Hangul Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2024-11-14', kind: 'csat', name: 'CSAT day', stocks: { open: '10:00', close: '16:30' }, derivatives: { open: '09:45', close: '16:45' }, confidence: 'confirmed', source: 'xc xkrx.csv; khan 2024-10-31' },
  { date: '2024-12-25', kind: 'closed', name: 'Christmas Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2024-12-31', kind: 'closed', name: 'Year-end closure', confidence: 'confirmed', source: 'xc xkrx.csv; KRX year-end rule; KRX notice (kukinews 2024-12-17)' },
  { date: '2025-01-01', kind: 'closed', name: 'New Year\'s Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-01-02', kind: 'late_open', name: 'First trading day', stocks: { open: '10:00', close: '15:30' }, derivatives: { open: '09:45', close: '15:45' }, confidence: 'confirmed', source: 'xc xkrx.csv; dealsite 2024-12-17 (deriv 09:45 or 10:00 by product)' },
  { date: '2025-01-27', kind: 'closed', name: 'Temporary public holiday', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette; KRX notice (segye 2025-01-17)' },
  { date: '2025-01-28', kind: 'closed', name: 'Seollal', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-01-29', kind: 'closed', name: 'Seollal', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-01-30', kind: 'closed', name: 'Seollal', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-03-03', kind: 'closed', name: 'Substitute holiday (Independence Movement Day)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-05-01', kind: 'closed', name: 'Workers\' Day', confidence: 'confirmed', source: 'xc xkrx.csv; KRX-only closure (xc LaborDayBeforePublicHoliday; vh KR bank cat.)' },
  { date: '2025-05-05', kind: 'closed', name: 'Children\'s Day; Buddha\'s Birthday', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-05-06', kind: 'closed', name: 'Substitute holiday (Children\'s Day/Buddha\'s Birthday)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-06-03', kind: 'closed', name: 'Election day (presidential)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette; KRX notice (ajunews 2025-05-20)' },
  { date: '2025-06-06', kind: 'closed', name: 'Memorial Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-08-15', kind: 'closed', name: 'Liberation Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-10-03', kind: 'closed', name: 'National Foundation Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-10-06', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-10-07', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-10-08', kind: 'closed', name: 'Substitute holiday (Chuseok)', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-10-09', kind: 'closed', name: 'Hangul Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-11-13', kind: 'csat', name: 'CSAT day', stocks: { open: '10:00', close: '16:30' }, derivatives: { open: '09:45', close: '16:45' }, confidence: 'confirmed', source: 'xc xkrx.csv; edaily 2025-11-12 (deriv 09:45-16:45)' },
  { date: '2025-12-25', kind: 'closed', name: 'Christmas Day', confidence: 'confirmed', source: 'xc xkrx.csv; vh KR; hk gazette' },
  { date: '2025-12-31', kind: 'closed', name: 'Year-end closure', confidence: 'confirmed', source: 'xc xkrx.csv; KRX year-end rule; KRX notice (wowtv 2025-12-18)' },
  { date: '2026-01-01', kind: 'closed', name: 'New Year\'s Day', confidence: 'confirmed', source: 'KRX 2026 list (17 days); hk gazette; vh KR; xc xkrx.csv' },
  { date: '2026-01-02', kind: 'late_open', name: 'First trading day', stocks: { open: '10:00', close: '15:30' }, derivatives: { open: '09:45', close: '15:45' }, confidence: 'confirmed', source: 'wowtv/digitaltoday 2025-12-18; xc xkrx.csv' },
  { date: '2026-02-16', kind: 'closed', name: 'Seollal', confidence: 'confirmed', source: 'KRX 2026 list (17 days); hk gazette; vh KR; xc xkrx.csv' },
  { date: '2026-02-17', kind: 'closed', name: 'Seollal', confidence: 'confirmed', source: 'KRX 2026 list (17 days); hk gazette; vh KR; xc xkrx.csv' },
  { date: '2026-02-18', kind: 'closed', name: 'Seollal', confidence: 'confirmed', source: 'KRX 2026 list (17 days); hk gazette; vh KR; xc xkrx.csv' },
  { date: '2026-03-02', kind: 'closed', name: 'Substitute holiday (Independence Movement Day)', confidence: 'confirmed', source: 'KRX 2026 list (17 days); hk gazette; vh KR; xc xkrx.csv' },
  { date: '2026-05-01', kind: 'closed', name: 'Labor Day', confidence: 'confirmed', source: 'Public Holidays Act amend. (passed 2026-03-31; in force 2026-05-01); hk gazette; xc PR #574' },
  { date: '2026-05-05', kind: 'closed', name: 'Children\'s Day', confidence: 'confirmed', source: 'KRX 2026 list (17 days); hk gazette; vh KR; xc xkrx.csv' },
  { date: '2026-05-25', kind: 'closed', name: 'Substitute holiday (Buddha\'s Birthday)', confidence: 'confirmed', source: 'xc manual list; hk gazette; vh KR' },
  { date: '2026-06-03', kind: 'closed', name: 'Election day (local)', confidence: 'confirmed', source: 'xc PR #574 (main); hk gazette; vh KR; QuantLib #2685' },
  { date: '2026-07-17', kind: 'closed', name: 'Constitution Day', confidence: 'confirmed', source: 'Public Holidays Act amend. (promulg. 2026-02-10); vh #3284; hk gazette; QuantLib #2685; NOT in xc main (PR #583 open)' },
  { date: '2026-08-17', kind: 'closed', name: 'Substitute holiday (Liberation Day)', confidence: 'confirmed', source: 'KRX 2026 list (17 days); hk gazette; vh KR; xc xkrx.csv' },
  { date: '2026-09-24', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'KRX 2026 list (17 days); hk gazette; vh KR; xc xkrx.csv' },
  { date: '2026-09-25', kind: 'closed', name: 'Chuseok', confidence: 'confirmed', source: 'KRX 2026 list (17 days); hk gazette; vh KR; xc xkrx.csv' },
  { date: '2026-10-05', kind: 'closed', name: 'Substitute holiday (National Foundation Day)', confidence: 'confirmed', source: 'KRX 2026 list (17 days); hk gazette; vh KR; xc xkrx.csv' },
  { date: '2026-10-09', kind: 'closed', name: 'Hangul Day', confidence: 'confirmed', source: 'KRX 2026 list (17 days); hk gazette; vh KR; xc xkrx.csv' },
  { date: '2026-11-19', kind: 'csat', name: 'CSAT day', stocks: { open: '10:00', close: '16:30' }, derivatives: { open: '09:45', close: '16:45' }, confidence: 'derived', source: 'MoE CSAT date (Aug 2024); KRX hours not yet announced; not in xc' },
  { date: '2026-12-25', kind: 'closed', name: 'Christmas Day', confidence: 'confirmed', source: 'KRX 2026 list (17 days); hk gazette; vh KR; xc xkrx.csv' },
  { date: '2026-12-31', kind: 'closed', name: 'Year-end closure', confidence: 'confirmed', source: 'KRX year-end rule; KRX 2026 list; xc rule; vh KRX class (PR #3725)' },
  { date: '2027-01-01', kind: 'closed', name: 'New Year\'s Day', confidence: 'derived', source: 'hk gazette (월력요항 2027); rule build; xc main rules; vh KR' },
  { date: '2027-01-04', kind: 'late_open', name: 'First trading day', stocks: { open: '10:00', close: '15:30' }, derivatives: { open: '09:45', close: '15:45' }, confidence: 'derived', source: 'xc first-business-day rule; KRX practice; not yet announced' },
  { date: '2027-02-08', kind: 'closed', name: 'Seollal', confidence: 'derived', source: 'hk gazette (월력요항 2027); rule build; xc main rules; vh KR' },
  { date: '2027-02-09', kind: 'closed', name: 'Substitute holiday (Seollal)', confidence: 'derived', source: 'hk gazette (월력요항 2027); rule build; xc main rules; vh KR' },
  { date: '2027-03-01', kind: 'closed', name: 'Independence Movement Day', confidence: 'derived', source: 'hk gazette (월력요항 2027); rule build; xc main rules; vh KR' },
  { date: '2027-05-03', kind: 'closed', name: 'Substitute holiday (Labor Day)', confidence: 'derived', source: 'hk gazette (월력요항 2027); xc main rule (PR #574); NOT in vh snapshot' },
  { date: '2027-05-05', kind: 'closed', name: 'Children\'s Day', confidence: 'derived', source: 'hk gazette (월력요항 2027); rule build; xc main rules; vh KR' },
  { date: '2027-05-13', kind: 'closed', name: 'Buddha\'s Birthday', confidence: 'derived', source: 'hk gazette (월력요항 2027); rule build; xc main rules; vh KR' },
  { date: '2027-07-19', kind: 'closed', name: 'Substitute holiday (Constitution Day)', confidence: 'derived', source: 'hk gazette (월력요항 2027); vh PR #3700/#3728; NOT in xc main' },
  { date: '2027-08-16', kind: 'closed', name: 'Substitute holiday (Liberation Day)', confidence: 'derived', source: 'hk gazette (월력요항 2027); rule build; xc main rules; vh KR' },
  { date: '2027-09-14', kind: 'closed', name: 'Chuseok', confidence: 'derived', source: 'hk gazette (월력요항 2027); rule build; xc main rules; vh KR' },
  { date: '2027-09-15', kind: 'closed', name: 'Chuseok', confidence: 'derived', source: 'hk gazette (월력요항 2027); rule build; xc main rules; vh KR' },
  { date: '2027-09-16', kind: 'closed', name: 'Chuseok', confidence: 'derived', source: 'hk gazette (월력요항 2027); rule build; xc main rules; vh KR' },
  { date: '2027-10-04', kind: 'closed', name: 'Substitute holiday (National Foundation Day)', confidence: 'derived', source: 'hk gazette (월력요항 2027); rule build; xc main rules; vh KR' },
  { date: '2027-10-11', kind: 'closed', name: 'Substitute holiday (Hangul Day)', confidence: 'derived', source: 'hk gazette (월력요항 2027); rule build; xc main rules; vh KR' },
  { date: '2027-11-18', kind: 'csat', name: 'CSAT day', stocks: { open: '10:00', close: '16:30' }, derivatives: { open: '09:45', close: '16:45' }, confidence: 'derived', source: 'MoE CSAT date (2025-05-30 via unn.net); KRX hours not yet announced; not in xc' },
  { date: '2027-12-27', kind: 'closed', name: 'Substitute holiday (Christmas Day)', confidence: 'derived', source: 'hk gazette (월력요항 2027); xc manual list; vh KR' },
  { date: '2027-12-31', kind: 'closed', name: 'Year-end closure', confidence: 'derived', source: 'KRX year-end rule; xc rule; vh KRX class (PR #3725)' },
];

/**
 * Night sessions KRX cancelled on the eve of long holidays. `evening` is the date the session would have
 * opened (18:00); it would have belonged to the next trading day. Announced ad hoc: add new ones as overrides.
 */
export const KRX_NIGHT_CLOSURES: readonly { evening: string; reason: string; source: string }[] = [
  {
    evening: '2025-10-02',
    reason: 'Cancelled before the Chuseok holidays',
    source: 'KRX notice via Asiae/TheFact 2025-09-10',
  },
  {
    evening: '2026-02-13',
    reason: 'Cancelled before the Seollal holidays',
    source: 'KRX notice via wowtv/EconomiDaily 2026-01-26',
  },
];
