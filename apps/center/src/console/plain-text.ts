/**
 * Texts staff type that the history keeps (the head's title and name, the seal note, an outage's or
 * a rejection's reason): one line of printable characters. The history refuses control characters
 * (audit/chain.ts), so they are refused here first, as the field's input error, before anything is
 * written.
 */
import { MadoguchiError } from '@madoguchi/shared';

export function requirePlainText(fields: Record<string, string>): void {
  const issues = Object.entries(fields)
    .filter(([, value]) => /\p{Cc}/u.test(value))
    .map(([path]) => ({ path, message: '改行や制御文字は使えません (one line, no control characters)' }));
  if (issues.length > 0) throw new MadoguchiError('INPUT_INVALID', `control characters in ${issues.map((i) => i.path).join(', ')}`, issues);
}
