/**
 * Every status word the JPKI sequence can meet, mapped to a typed outcome and then to one catalog
 * error. Sources disagree on how a blocked PIN answers (63C0, 6983 or 6984): all three mean locked.
 */
import { MadoguchiError } from '@madoguchi/shared';

export const SW_OK = 0x9000;

/** A wrong PIN, with the tries the card says are left (1 or 2 for a 3-try PIN). */
export class CardPinWrongError extends MadoguchiError {
  constructor(readonly triesLeft: number) {
    super('CARD_PIN_WRONG', `tries left: ${triesLeft}`);
  }
}

/** A card's refusal (a status word other than the step expects), kept as a number for the lift-and-return rule. */
export class CardStatusError extends MadoguchiError {
  constructor(
    readonly sw: number,
    detail: string,
  ) {
    super('CARD_ERROR', detail);
  }
}

export type PinStatus =
  { kind: 'verified' } | { kind: 'triesLeft'; triesLeft: number } | { kind: 'locked' } | { kind: 'unexpected'; sw: number };

/** The answer to VERIFY, with or without a PIN in it. */
export function pinStatus(sw: number): PinStatus {
  if (sw === SW_OK) return { kind: 'verified' };
  if (sw === 0x6983 || sw === 0x6984 || sw === 0x63c0) return { kind: 'locked' };
  if ((sw & 0xfff0) === 0x63c0) return { kind: 'triesLeft', triesLeft: sw & 0x0f };
  return { kind: 'unexpected', sw };
}

export type JpkiStep = 'selectAp' | 'selectFile' | 'readBinary' | 'verify' | 'sign';

const names: Record<number, string> = {
  0x6282: 'end of file',
  0x6700: 'wrong length',
  0x6982: 'security status not satisfied',
  0x6983: 'authentication method blocked',
  0x6984: 'reference data not usable',
  0x6985: 'conditions of use not satisfied',
  0x6986: 'command not allowed (no current EF)',
  0x6a80: 'incorrect data',
  0x6a82: 'file or application not found',
  0x6a86: 'incorrect P1/P2',
  0x6b00: 'wrong offset',
  0x6d00: 'instruction not supported',
  0x6e00: 'class not supported',
  0x6f00: 'no precise diagnosis',
};

export function describeStatusWord(sw: number): string {
  const hex = sw.toString(16).toUpperCase().padStart(4, '0');
  return names[sw] ? `${hex} ${names[sw]}` : hex;
}

/** A non-9000 answer at `step` as the error the resident sees. */
export function statusWordError(step: JpkiStep, sw: number): MadoguchiError {
  const detail = `${step}: ${describeStatusWord(sw)}`;
  if (step === 'selectAp') return new MadoguchiError('CARD_NOT_JPKI', detail);
  if (step === 'verify') {
    const status = pinStatus(sw);
    if (status.kind === 'locked') return new MadoguchiError('CARD_PIN_LOCKED', detail);
    if (status.kind === 'triesLeft') return new CardPinWrongError(status.triesLeft);
  }
  return new CardStatusError(sw, detail);
}
