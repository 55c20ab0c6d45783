/**
 * A cash unit for the kiosk journal tests whose counters survive a SIGKILL, as a real unit's do:
 * one line per movement (a coin in, a payout), on disk before the call returns.
 */
import { appendFileSync, closeSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { yen, type Yen } from '@madoguchi/shared';

export class CountingCashDevice {
  private readonly listeners = new Set<(amount: Yen) => void>();
  constructor(private readonly file: string) {}

  on(_event: 'inserted', listener: (amount: Yen) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  insert(amount: number): void {
    this.count({ in: amount });
    for (const l of this.listeners) l(yen(amount));
  }

  payOut(amount: Yen, reason: string): void {
    this.count({ out: amount, reason });
  }

  private count(line: object): void {
    appendFileSync(this.file, JSON.stringify(line) + '\n');
    const fd = openSync(this.file, 'r');
    fsyncSync(fd);
    closeSync(fd);
  }
}

/** What stayed in the box by the counters: every coin in minus every payout. */
export function keptYen(file: string): number {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { in?: number; out?: number })
    .reduce((s, m) => s + (m.in ?? 0) - (m.out ?? 0), 0);
}
