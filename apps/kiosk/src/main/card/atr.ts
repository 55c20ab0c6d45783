/**
 * What an ATR says about how the card meets the reader, for the logs only: the card service never
 * decides anything on it (the JPKI applet answers the same over NFC and through contacts). An NFC
 * reader presents an ISO/IEC 14443-4 card with a pseudo-ATR built by PC/SC part 3 — `3B 8n 80 01`,
 * n historical bytes (Type B: the ATQB's application data and protocol info, the MBLI), TCK
 * (docs/jpki-card.md#atr).
 */
export type CardInterface = 'contactless' | 'contact' | 'unknown';

export function atrInterface(atr: Uint8Array | undefined): CardInterface {
  if (!atr || atr.length < 5 || atr[0] !== 0x3b) return 'unknown';
  const pseudo = (atr[1]! & 0xf0) === 0x80 && atr[2] === 0x80 && atr[3] === 0x01 && atr.length === 5 + (atr[1]! & 0x0f);
  return pseudo && xorFromT0(atr) === 0 ? 'contactless' : 'contact';
}

/** T0 … TCK XOR to zero when TCK is right. */
function xorFromT0(atr: Uint8Array): number {
  let x = 0;
  for (const byte of atr.subarray(1)) x ^= byte;
  return x;
}
