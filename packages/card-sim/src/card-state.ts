/**
 * The card's non-volatile memory: PIN retry counters. A real card writes the decremented counter
 * to EEPROM before it answers, so a reader cannot pull power after a wrong PIN to keep its tries.
 * The file store mirrors that: every change is written (tmp file + rename) before the applet replies.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface CardCounters {
  /** Tries left for the user-authentication PIN (EF 0018), 3 when fresh. */
  authPinTriesLeft: number;
  /** Tries left for the signing password (EF 001B), 5 when fresh. */
  signPinTriesLeft: number;
}

export const AUTH_PIN_MAX_TRIES = 3;
export const SIGN_PIN_MAX_TRIES = 5;

export interface CardStateStore {
  read(): CardCounters;
  write(counters: CardCounters): void;
}

export function freshCounters(): CardCounters {
  return { authPinTriesLeft: AUTH_PIN_MAX_TRIES, signPinTriesLeft: SIGN_PIN_MAX_TRIES };
}

export function memoryCardState(initial: CardCounters = freshCounters()): CardStateStore {
  let current = { ...initial };
  return {
    read: () => ({ ...current }),
    write: (counters) => {
      current = { ...counters };
    },
  };
}

/** Counters kept in a JSON file; created with `initial` when absent. Reads go to disk each time so two processes see the same card. */
export function fileCardState(path: string, initial: CardCounters = freshCounters()): CardStateStore {
  const write = (counters: CardCounters): void => {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(counters)}\n`);
    renameSync(tmp, path);
  };
  const read = (): CardCounters => {
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<CardCounters>;
      return {
        authPinTriesLeft: clampTries(parsed.authPinTriesLeft, AUTH_PIN_MAX_TRIES),
        signPinTriesLeft: clampTries(parsed.signPinTriesLeft, SIGN_PIN_MAX_TRIES),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      write(initial);
      return { ...initial };
    }
  };
  return { read, write };
}

function clampTries(value: unknown, max: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max ? value : 0;
}
