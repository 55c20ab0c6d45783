/**
 * A virtual My Number card carrying the JPKI applet (公的個人認証AP), one implementation that runs
 * in-process (demo, unit tests) and behind vsmartcard-vpcd (integration tests, OpenSC).
 *
 * It answers what open implementations send to real cards (docs/jpki-card.md#status-words):
 * unknown AIDs 6A82 and unknown instructions 6D00 (a card that says 9000 to everything gets claimed
 * by OpenSC's MuscleApplet driver); PIN counters live in a CardStateStore (non-volatile), while the
 * selected applet/file and verified PINs are volatile and vanish on power off or reset.
 */
import { createPrivateKey, privateEncrypt, constants, type KeyObject } from 'node:crypto';
import { SW, parseCommandApdu, response, type CommandApdu } from './apdu.js';
import { JPKI_CONTACTLESS_ATR, JPKI_CONTACT_ATR } from './atr.js';
import { AUTH_PIN_MAX_TRIES, SIGN_PIN_MAX_TRIES, memoryCardState, type CardCounters, type CardStateStore } from './card-state.js';

export type TokenType = 'card' | 'android' | 'iphone';

export const JPKI_AID = Uint8Array.from([0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]);
/** The ATR OpenSC's JPKI driver lists for the My Number card (T=1), in a contact reader. */
export const JPKI_ATR = JPKI_CONTACT_ATR;

/**
 * What the holder does on an iPhone when a reader asks for a signature: the phone shows its own
 * prompt (Face ID or the phone's passcode) and the token signs only once the holder has confirmed.
 * `afterMs` counts from the first SIGNATURE command of a prompt; `never` leaves the prompt unanswered.
 */
export interface PhoneConfirmation {
  answer: 'confirm' | 'decline' | 'never';
  afterMs: number;
}

/** Status words of the simulated iPhone token's SIGNATURE while the phone's prompt is open, and after a refusal. */
export const PHONE_SW = { WAITING: 0x6985, DECLINED: 0x6982 } as const;

/** How the card meets the reader: over NFC (the kiosk's reader, and the default) or through its contacts. */
export type CardInterface = 'contactless' | 'contact';

export const TOKEN_LABELS: Record<TokenType, string> = {
  card: 'JPKIAPICCTOKEN2',
  android: 'JPKIAPGPSETOKEN',
  iphone: 'JPKIAPIOSTOKEN',
};

export const EF = {
  TOKEN_INFO: 0x0006,
  AUTH_CERT: 0x000a,
  AUTH_CA_CERT: 0x000b,
  AUTH_KEY: 0x0017,
  AUTH_PIN: 0x0018,
  SIGN_CERT: 0x0001,
  SIGN_CA_CERT: 0x0002,
  SIGN_KEY: 0x001a,
  SIGN_PIN: 0x001b,
} as const;

export interface VirtualJpkiCardOptions {
  tokenType?: TokenType;
  authCertificateDer: Uint8Array;
  authCaCertificateDer?: Uint8Array;
  /** PEM (PKCS#8 or PKCS#1) or a KeyObject. */
  authPrivateKey: string | KeyObject;
  /** The 4-digit user-authentication PIN. */
  authPin: string;
  /** Signing password (6–16 upper-case alphanumerics); the signing certificate itself is optional. */
  signPassword?: string;
  signCertificateDer?: Uint8Array;
  signPrivateKey?: string | KeyObject;
  /** Non-volatile PIN counters; in-memory when omitted. */
  state?: CardStateStore;
  /** Bytes of 0xFF after each certificate in its EF, as real cards have: clients must size from the DER header. */
  certificateFiller?: number;
  /** Decides the ATR: the reader's Type B pseudo-ATR (default) or the card's contact ATR. */
  cardInterface?: CardInterface;
  /** iPhone tokens only: what the holder does on the phone (default: confirms at once). */
  phone?: PhoneConfirmation;
}

type PinRef = 'auth' | 'sign';

interface ElementaryFile {
  content?: Uint8Array;
  /** The PIN that must be verified before READ BINARY (content) or signing (key). */
  requires?: PinRef;
  pin?: PinRef;
  key?: KeyObject;
}

/** What the PC/SC-like transports drive: power, ATR and APDUs. */
export interface SmartCard {
  readonly atr: Uint8Array;
  powerOn(): Uint8Array;
  powerOff(): void;
  reset(): Uint8Array;
  transmit(command: Uint8Array): Uint8Array;
}

export class VirtualJpkiCard implements SmartCard {
  readonly atr: Uint8Array;
  readonly tokenType: TokenType;
  private readonly files = new Map<number, ElementaryFile>();
  private readonly pins: Record<PinRef, { value: Uint8Array; max: number }>;
  private readonly state: CardStateStore;
  // Volatile state: lost on power off / reset, like RAM on a real card.
  private powered = false;
  private apSelected = false;
  private currentEf: number | undefined;
  private verified = new Set<PinRef>();
  /** When the phone's prompt for the current signature opened (volatile: a lift or reset closes it). */
  private phonePromptAt: number | undefined;
  private readonly phone: PhoneConfirmation;

  constructor(options: VirtualJpkiCardOptions) {
    this.tokenType = options.tokenType ?? 'card';
    this.atr = options.cardInterface === 'contact' ? JPKI_CONTACT_ATR : JPKI_CONTACTLESS_ATR;
    this.state = options.state ?? memoryCardState();
    this.phone = options.phone ?? { answer: 'confirm', afterMs: 0 };
    if (!/^\d{4}$/.test(options.authPin)) throw new Error('the user-authentication PIN is 4 digits');
    const signPassword = options.signPassword ?? 'MADOGUCHI1';
    if (!/^[A-Z0-9]{6,16}$/.test(signPassword)) throw new Error('the signing password is 6–16 upper-case alphanumerics');
    this.pins = {
      auth: { value: new TextEncoder().encode(options.authPin), max: AUTH_PIN_MAX_TRIES },
      sign: { value: new TextEncoder().encode(signPassword), max: SIGN_PIN_MAX_TRIES },
    };
    const filler = options.certificateFiller ?? 0;
    const withFiller = (der: Uint8Array): Uint8Array => {
      const out = new Uint8Array(der.length + filler).fill(0xff);
      out.set(der, 0);
      return out;
    };
    const label = TOKEN_LABELS[this.tokenType].padEnd(32, ' ');
    this.files.set(EF.TOKEN_INFO, { content: new TextEncoder().encode(label) });
    // Smartphone tokens only release the certificate after the PIN (the "Android ordering").
    const certGate: PinRef | undefined = this.tokenType === 'android' ? 'auth' : undefined;
    this.files.set(EF.AUTH_CERT, { content: withFiller(options.authCertificateDer), ...(certGate ? { requires: certGate } : {}) });
    if (options.authCaCertificateDer) this.files.set(EF.AUTH_CA_CERT, { content: withFiller(options.authCaCertificateDer) });
    // An iPhone takes no PIN from the reader: its key is released by the holder's confirmation on the phone.
    const iphone = this.tokenType === 'iphone';
    this.files.set(EF.AUTH_KEY, { key: toKey(options.authPrivateKey), ...(iphone ? {} : { requires: 'auth' as const }) });
    if (!iphone) this.files.set(EF.AUTH_PIN, { pin: 'auth' });
    this.files.set(EF.SIGN_PIN, { pin: 'sign' });
    if (options.signCertificateDer) this.files.set(EF.SIGN_CERT, { content: withFiller(options.signCertificateDer), requires: 'sign' });
    if (options.signPrivateKey) this.files.set(EF.SIGN_KEY, { key: toKey(options.signPrivateKey), requires: 'sign' });
  }

  powerOn(): Uint8Array {
    this.clearVolatile();
    this.powered = true;
    return this.atr;
  }

  powerOff(): void {
    this.clearVolatile();
    this.powered = false;
  }

  reset(): Uint8Array {
    return this.powerOn();
  }

  /** Counters as stored (for tests and the operator CLI). */
  counters(): CardCounters {
    return this.state.read();
  }

  transmit(command: Uint8Array): Uint8Array {
    if (!this.powered) throw new Error('card is not powered');
    const parsed = parseCommandApdu(command);
    if (!parsed.ok) return response(parsed.sw);
    const apdu = parsed.apdu;
    if (apdu.cla === 0x00 && apdu.ins === 0xa4) return this.select(apdu);
    if (apdu.cla === 0x00 && apdu.ins === 0xb0) return this.readBinary(apdu);
    if (apdu.cla === 0x00 && apdu.ins === 0x20) return this.verify(apdu);
    if (apdu.cla === 0x80 && apdu.ins === 0x2a) return this.sign(apdu);
    if (apdu.cla !== 0x00 && apdu.cla !== 0x80) return response(SW.CLA_NOT_SUPPORTED);
    return response(SW.INS_NOT_SUPPORTED);
  }

  private clearVolatile(): void {
    this.apSelected = false;
    this.currentEf = undefined;
    this.verified = new Set();
    this.phonePromptAt = undefined;
  }

  private select(apdu: CommandApdu): Uint8Array {
    if (apdu.p1 === 0x04) {
      if (apdu.p2 !== 0x0c && apdu.p2 !== 0x00) return response(SW.WRONG_P1P2);
      if (!sameBytes(apdu.data, JPKI_AID)) return response(SW.FILE_NOT_FOUND);
      // Selecting the application resets its security status (ISO 7816-4): a PIN verified by an
      // earlier client that left the card powered does not carry over to the next one.
      this.apSelected = true;
      this.currentEf = undefined;
      this.verified = new Set();
      return response(SW.OK);
    }
    if (apdu.p1 === 0x02) {
      if (apdu.p2 !== 0x0c && apdu.p2 !== 0x00) return response(SW.WRONG_P1P2);
      if (apdu.data.length !== 2) return response(SW.WRONG_LENGTH);
      const fid = (apdu.data[0]! << 8) | apdu.data[1]!;
      if (!this.apSelected || !this.files.has(fid)) return response(SW.FILE_NOT_FOUND);
      this.currentEf = fid;
      return response(SW.OK);
    }
    return response(SW.WRONG_P1P2);
  }

  private readBinary(apdu: CommandApdu): Uint8Array {
    if (apdu.p1 & 0x80) return response(SW.WRONG_P1P2); // short-EF addressing is not offered
    const file = this.currentEf === undefined ? undefined : this.files.get(this.currentEf);
    if (!file) return response(SW.NO_CURRENT_EF);
    if (!file.content) return response(SW.SECURITY_NOT_SATISFIED);
    if (file.requires && !this.verified.has(file.requires)) return response(SW.SECURITY_NOT_SATISFIED);
    if (apdu.le === undefined) return response(SW.WRONG_LENGTH);
    const offset = (apdu.p1 << 8) | apdu.p2;
    if (offset >= file.content.length) return response(SW.WRONG_OFFSET);
    const chunk = file.content.subarray(offset, Math.min(offset + apdu.le, file.content.length));
    return response(chunk.length < apdu.le ? SW.END_OF_FILE : SW.OK, chunk);
  }

  private verify(apdu: CommandApdu): Uint8Array {
    try {
      return this.checkPin(apdu);
    } finally {
      apdu.data.fill(0); // the parsed copy of the PIN digits
    }
  }

  private checkPin(apdu: CommandApdu): Uint8Array {
    if (apdu.p1 !== 0x00 || apdu.p2 !== 0x80) return response(SW.WRONG_P1P2);
    const file = this.currentEf === undefined ? undefined : this.files.get(this.currentEf);
    if (!file?.pin) return response(SW.NO_CURRENT_EF);
    const ref = file.pin;
    const counters = this.state.read();
    const left = ref === 'auth' ? counters.authPinTriesLeft : counters.signPinTriesLeft;
    if (apdu.data.length === 0) {
      // Retries left without spending one. OpenSC's PKCS#15 bind needs 63Cx here even when blocked.
      if (this.verified.has(ref)) return response(SW.OK);
      return response(0x63c0 | left);
    }
    if (left === 0) return response(SW.AUTH_BLOCKED);
    const pin = this.pins[ref];
    const lengthOk = ref === 'auth' ? apdu.data.length === 4 : apdu.data.length >= 6 && apdu.data.length <= 16;
    if (!lengthOk) return response(SW.WRONG_LENGTH);
    if (sameBytes(apdu.data, pin.value)) {
      this.writeTries(counters, ref, pin.max);
      this.verified.add(ref);
      return response(SW.OK);
    }
    // Persist the decrement before answering, as a card writes EEPROM before it replies.
    this.writeTries(counters, ref, left - 1);
    this.verified.delete(ref);
    return response(0x63c0 | (left - 1));
  }

  private sign(apdu: CommandApdu): Uint8Array {
    if (apdu.p1 !== 0x00 || apdu.p2 !== 0x80) return response(SW.WRONG_P1P2);
    const file = this.currentEf === undefined ? undefined : this.files.get(this.currentEf);
    if (!file?.key) return response(SW.NO_CURRENT_EF);
    if (file.requires && !this.verified.has(file.requires)) return response(SW.SECURITY_NOT_SATISFIED);
    if (apdu.data.length === 0 || apdu.data.length > 245) return response(SW.WRONG_LENGTH);
    if (this.tokenType === 'iphone') {
      const answer = this.phoneAnswer();
      if (answer !== SW.OK) return response(answer);
    }
    // The card pads the DigestInfo it is given (PKCS#1 v1.5, block type 1) and applies the private key.
    const signature = privateEncrypt({ key: file.key, padding: constants.RSA_PKCS1_PADDING }, apdu.data);
    return response(SW.OK, new Uint8Array(signature));
  }

  /**
   * The phone's prompt: open from the first SIGNATURE, answered after `afterMs`. Each signature
   * needs its own confirmation, and a refusal closes the prompt (the next SIGNATURE opens a new one).
   */
  private phoneAnswer(): number {
    const now = Date.now();
    this.phonePromptAt ??= now;
    if (this.phone.answer === 'never' || now - this.phonePromptAt < this.phone.afterMs) return PHONE_SW.WAITING;
    this.phonePromptAt = undefined;
    return this.phone.answer === 'confirm' ? SW.OK : PHONE_SW.DECLINED;
  }

  private writeTries(counters: CardCounters, ref: PinRef, tries: number): void {
    this.state.write(ref === 'auth' ? { ...counters, authPinTriesLeft: tries } : { ...counters, signPinTriesLeft: tries });
  }
}

function toKey(key: string | KeyObject): KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
