/**
 * The resident's PIN while it is being typed and verified: 4 ASCII digits in a Uint8Array that is
 * zeroed by wipe(). It lives only in the main process; it renders as "[PIN]" in JSON, logs and
 * util.inspect so a stray log line or IPC payload cannot carry it.
 */
import { inspect } from 'node:util';

export const PIN_LENGTH = 4;

export class PinBuffer {
  readonly #digits = new Uint8Array(PIN_LENGTH);
  #length = 0;

  /** For tools and tests that already hold the PIN as text; the kiosk builds it key by key. */
  static fromDigits(digits: string): PinBuffer {
    if (!/^\d{4}$/.test(digits)) throw new RangeError('a PIN is 4 digits');
    const pin = new PinBuffer();
    for (const ch of digits) pin.push(ch.charCodeAt(0) - 0x30);
    return pin;
  }

  get length(): number {
    return this.#length;
  }

  get complete(): boolean {
    return this.#length === PIN_LENGTH;
  }

  push(digit: number): void {
    if (!Number.isInteger(digit) || digit < 0 || digit > 9) throw new RangeError('a PIN digit is 0–9');
    if (this.#length < PIN_LENGTH) this.#digits[this.#length++] = 0x30 + digit;
  }

  backspace(): void {
    if (this.#length > 0) this.#digits[--this.#length] = 0;
  }

  /** Writes the ASCII digits into `target` at `offset` (how VERIFY's data field is built without a copy elsewhere). */
  writeTo(target: Uint8Array, offset: number): void {
    if (!this.complete) throw new RangeError('the PIN is not complete');
    target.set(this.#digits, offset);
  }

  wipe(): void {
    this.#digits.fill(0);
    this.#length = 0;
  }

  /** True once wiped (all bytes zero): tests use it to prove the service wiped the PIN. */
  get wiped(): boolean {
    return this.#length === 0 && this.#digits.every((b) => b === 0);
  }

  toJSON(): string {
    return '[PIN]';
  }

  toString(): string {
    return '[PIN]';
  }

  [inspect.custom](): string {
    return `PinBuffer([PIN], length ${this.#length})`;
  }
}
