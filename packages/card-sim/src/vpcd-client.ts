/**
 * Puts a SmartCard into a vsmartcard-vpcd reader: the card is a TCP client of vpcd's port. Framing
 * both ways is a 2-byte big-endian length + payload; a 1-byte payload from vpcd is a control code
 * (00 power off, 01 power on, 02 reset, 04 get ATR); longer payloads are APDUs. Closing the socket
 * is the card leaving the reader.
 */
import { createConnection, type Socket } from 'node:net';
import type { SmartCard } from './jpki-applet.js';

export const VPCD_PORTS = [35963, 35964] as const;

export interface VpcdConnection {
  /** Resolves once connected. */
  ready: Promise<void>;
  /** Takes the card out of the reader (closes the socket). */
  remove(): Promise<void>;
  readonly connected: boolean;
}

export interface VpcdOptions {
  host?: string;
  port?: number;
  /**
   * Called for each APDU (e.g. to remove the card mid-command in a test). Returning 'hold' leaves
   * the command unanswered: the card keeps working on it until the connection goes away. Returning
   * bytes answers with them instead of the card (a faulty card, card-faults.ts).
   */
  onCommand?: (command: Uint8Array) => 'hold' | Uint8Array | void;
  /**
   * Called once the answer to `command` has been handed to the socket: the card may now leave or
   * reset "between APDUs" without losing that answer.
   */
  onAnswered?: (command: Uint8Array) => void;
  /** Called once when an established connection closes for any reason other than remove(). */
  onClose?: () => void;
}

export function connectToVpcd(card: SmartCard, options: VpcdOptions = {}): VpcdConnection {
  const socket: Socket = createConnection({ host: options.host ?? '127.0.0.1', port: options.port ?? VPCD_PORTS[0] });
  socket.setNoDelay(true);
  let connected = false;
  let established = false;
  let removing = false;
  let buffer = Buffer.alloc(0);
  const ready = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      connected = true;
      established = true;
      resolve();
    });
    socket.once('error', reject);
  });
  socket.on('error', () => {
    connected = false;
  });
  socket.on('close', () => {
    connected = false;
    // After a reset (ECONNRESET) 'error' comes first: only `established` says this was a live card.
    if (established && !removing) options.onClose?.();
  });
  const send = (payload: Uint8Array, written?: () => void) => {
    const frame = Buffer.alloc(2 + payload.length);
    frame.writeUInt16BE(payload.length, 0);
    frame.set(payload, 2);
    socket.write(frame, written);
  };
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 2) {
      const length = buffer.readUInt16BE(0);
      if (buffer.length < 2 + length) break;
      const payload = new Uint8Array(buffer.subarray(2, 2 + length));
      buffer = buffer.subarray(2 + length);
      if (length === 1) {
        const code = payload[0];
        if (code === 0x00) card.powerOff();
        else if (code === 0x01) card.powerOn();
        else if (code === 0x02) card.reset();
        else if (code === 0x04) send(card.atr);
        continue;
      }
      const instead = options.onCommand?.(payload);
      if (instead === 'hold') continue;
      if (socket.destroyed) return;
      let answer: Uint8Array;
      try {
        answer = instead ?? card.transmit(payload);
      } catch {
        answer = Uint8Array.from([0x6f, 0x00]); // unpowered or internal fault: "no precise diagnosis"
      }
      send(answer, () => options.onAnswered?.(payload));
    }
  });
  return {
    ready,
    get connected() {
      return connected;
    },
    remove: () =>
      new Promise<void>((resolve) => {
        removing = true;
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        socket.destroy();
      }),
  };
}
