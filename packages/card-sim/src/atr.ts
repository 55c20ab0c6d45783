/**
 * Answers to reset. A kiosk reads the My Number card over NFC (ISO/IEC 14443-4 Type B), and a
 * contactless card has no ATR of its own: the PC/SC reader makes one up from what the card sent
 * when it was activated (PC/SC part 3, 3.1.3.2.3.1): `3B 88 80 01`, eight historical bytes —
 * the ATQB's application data (4 bytes), its protocol info (3 bytes) and the MBLI from the ATTRIB
 * answer in the high nibble of the last — and the checksum TCK (docs/jpki-card.md#atr).
 */

/** The ATR of the card in a contact reader (T=1), the one OpenSC's JPKI driver lists. */
export const JPKI_CONTACT_ATR = Uint8Array.from([0x3b, 0xe0, 0x00, 0xff, 0x81, 0x31, 0xfe, 0x45, 0x14]);

export interface TypeBActivation {
  /** ATQB bytes 6–9: application data. */
  applicationData: Uint8Array;
  /** ATQB bytes 10–12: protocol info (bit rates, frame size, FWI…). */
  protocolInfo: Uint8Array;
  /** Maximum buffer length index from the ATTRIB answer (0 = not given). */
  mbli?: number;
}

/** TCK: the XOR of every byte from T0 to the last historical byte, so that T0 … TCK XOR to zero. */
export function atrChecksum(atrWithoutTck: Uint8Array): number {
  let tck = 0;
  for (const byte of atrWithoutTck.subarray(1)) tck ^= byte;
  return tck;
}

/** The pseudo-ATR a PC/SC reader presents for an ISO/IEC 14443-4 Type B card. */
export function contactlessTypeBAtr(activation: TypeBActivation): Uint8Array {
  const { applicationData, protocolInfo, mbli = 0 } = activation;
  if (applicationData.length !== 4 || protocolInfo.length !== 3 || mbli < 0 || mbli > 15)
    throw new Error('a Type B activation has 4 bytes of application data, 3 of protocol info and an MBLI of 0–15');
  // T0 = 88: TD1 follows, 8 historical bytes; TD1 = 80: TD2 follows, T=0; TD2 = 01: T=1, no more.
  const head = Uint8Array.from([0x3b, 0x88, 0x80, 0x01, ...applicationData, ...protocolInfo, mbli << 4]);
  return Uint8Array.from([...head, atrChecksum(head)]);
}

/**
 * A My Number card on an NFC reader, as pcsc-tools' smartcard_list.txt records it ("Japanese JPKI
 * card"): 3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F.
 */
export const JPKI_CONTACTLESS_ATR = contactlessTypeBAtr({
  applicationData: Uint8Array.from([0x00, 0x00, 0x05, 0xe0]),
  protocolInfo: Uint8Array.from([0xb3, 0x81, 0xa1]),
});
