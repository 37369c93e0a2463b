/** Date and time CLI option parsers shared by the command groups: bad input becomes a one-line UserError naming the option. */
import { UserError } from '../../errors.js';
import { TimeFormatError, parseKst, parseKstDate, type KstDate, type KstTime } from '../../time/kst.js';

function explainTime<T>(name: string, raw: string, expected: string, parse: (s: string) => T): T {
  try {
    return parse(raw);
  } catch (e) {
    if (e instanceof TimeFormatError)
      throw new UserError(
        e.expected === 'a real calendar date'
          ? `${name}: ${raw} is not a real calendar date`
          : `${name}: expected ${expected}, got ${JSON.stringify(raw)}`,
      );
    throw e;
  }
}

/** A `YYYY-MM-DD` option (e.g. `--date`, `--from`). */
export const dateOption = (name: string, raw: string): KstDate =>
  explainTime(name, raw, 'a date YYYY-MM-DD', parseKstDate);

/** A KST wall-clock minute option `YYYY-MM-DDTHH:MM` (e.g. `--time`, candle ranges). */
export const minuteOption = (name: string, raw: string): KstTime =>
  explainTime(name, raw, 'a KST minute YYYY-MM-DDTHH:MM', parseKst);
