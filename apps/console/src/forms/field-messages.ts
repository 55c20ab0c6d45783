/**
 * Field messages in the page's language. The shared schemas carry their own messages as
 * "日本語 (English)" so the center and the console say the same words; the console shows the half
 * in the chosen language. A message in one language only (zod's defaults, a center issue) is shown
 * as it is, or replaced by the catalog's wording for its zod issue code when the page knows it.
 */
export type FieldLanguage = 'ja' | 'en';

const bilingual = /^(.+?)\s*\(([^()]+)\)$/s;

export function messageInLanguage(message: string, language: FieldLanguage): string | null {
  const match = bilingual.exec(message.trim());
  if (!match) return null;
  return language === 'ja' ? match[1]!.trim() : match[2]!.trim();
}

/**
 * A center issue's path as a form field name: `body/hours/1/from`, `/hours/1/from`,
 * `hours[1].from` and `hours.1.from` all name the field `hours.1.from` (react-hook-form's dots).
 */
export function issuePathToField(path: string): string {
  const parts = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split(/[./]/)
    .filter((part) => part !== '');
  if (parts[0] === 'body') parts.shift();
  return parts.join('.');
}

/** zod's own message for an empty required text (a `.min(1)` string): the page says "required". */
export function isEmptyTextMessage(message: string): boolean {
  return /expected string to have >=1 characters?/.test(message);
}

export interface ZodBound {
  /** at least / at most */
  side: 'min' | 'max';
  n: number;
  of: 'number' | 'characters' | 'items';
}

/** The limit in zod's own message for a number, text or list out of range, so the page can say it in its words. */
export function zodBound(message: string): ZodBound | null {
  const match = /expected (number|string|array) to (?:be|have) (>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)/.exec(message);
  if (!match) return null;
  const [, kind, op, value] = match;
  const n = Number(value) + (op === '>' ? 1 : op === '<' ? -1 : 0);
  return { side: op!.startsWith('>') ? 'min' : 'max', n, of: kind === 'number' ? 'number' : kind === 'string' ? 'characters' : 'items' };
}
