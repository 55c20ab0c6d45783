/**
 * Misbehaving cards for the kiosk's robustness tests (a faulty card must not freeze a kiosk): one
 * answers every command with 61 FF ("255 more bytes waiting", forever, so a client that follows
 * 61xx without a cap never stops), one never answers a command at all. Both keep the ATR and
 * power handling of the card they stand in for, so pcscd sees an ordinary card on the reader.
 * Normal cards never take these paths: a fault is chosen explicitly per insertion.
 */
export const CARD_FAULTS = ['moreDataForever', 'silent'] as const;
export type CardFault = (typeof CARD_FAULTS)[number];

export function isCardFault(value: string): value is CardFault {
  return (CARD_FAULTS as readonly string[]).includes(value);
}

/** What a card with `fault` does with any command APDU: answers these bytes, or holds it unanswered. */
export function faultyResponse(fault: CardFault): Uint8Array | 'hold' {
  return fault === 'silent' ? 'hold' : Uint8Array.from([0x61, 0xff]);
}
