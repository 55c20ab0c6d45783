/** A small demo-card world for the card integration tests (keys come from the machine-wide pool). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDemoCards, type DemoCard } from '@madoguchi/card-sim';

export const cardResidents = [
  { residentId: 'CT-0001', birthDate: '1980-04-01' },
  { residentId: 'CT-0002', birthDate: '1975-10-20' },
  { residentId: 'CT-0003', birthDate: '1992-02-29' },
  { residentId: 'CT-0004', birthDate: '2001-07-07' },
];

export async function makeCardWorld(): Promise<{ stateDir: string; cards: Map<string, DemoCard> }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'card-world-'));
  const list = await ensureDemoCards(stateDir, cardResidents, { previousGenerationEvery: 0 });
  return { stateDir, cards: new Map(list.map((c) => [c.cardId, c])) };
}

export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}
