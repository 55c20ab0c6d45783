/**
 * Kiosk logs: JSON lines through pino. Callers log events and ids only; redaction is the second
 * line of defence for fields that must never reach a log (PINs, names, addresses, My Numbers).
 */
import pino from 'pino';
import type { SessionLog } from './session/ports.js';

export const redactedFields = [
  'pin',
  'residentName',
  'address',
  'myNumber',
  '*.pin',
  '*.name',
  '*.address',
  '*.myNumber',
  'authCertificate',
  'signature',
  'pdf',
];

export function createLog(destination: pino.DestinationStream | number = 1): { log: SessionLog; logger: pino.Logger } {
  const logger = pino(
    { name: 'kiosk', redact: { paths: redactedFields, censor: '[redacted]' }, base: { pid: process.pid } },
    typeof destination === 'number' ? pino.destination(destination) : destination,
  );
  return { logger, log: (event, fields) => logger.info(fields ?? {}, event) };
}
