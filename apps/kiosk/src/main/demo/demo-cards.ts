/**
 * Demo mode only: the virtual My Number cards made by the test PKI, placed on an in-process
 * virtual reader from the kiosk's demo panel. The one place the kiosk touches @madoguchi/card-sim;
 * a production kiosk is configured with a PC/SC reader and never loads this file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDemoCards, openDemoCard } from '@madoguchi/card-sim';
import type { VirtualReader } from '../card/virtual-reader.js';
import type { DemoCardPort } from '../session/ports.js';

export function createDemoCards(stateDir: string, reader: VirtualReader): DemoCardPort {
  // labels.json (written by the demo launcher) says what each card demonstrates.
  const labelsFile = join(stateDir, 'labels.json');
  const labels: Record<string, string> = existsSync(labelsFile)
    ? (JSON.parse(readFileSync(labelsFile, 'utf8')) as Record<string, string>)
    : {};
  const cards = listDemoCards(stateDir).map((c) => ({ cardId: c.cardId, label: `${labels[c.cardId] ?? c.label} (PIN ${c.pin})` }));
  return {
    cards,
    async place(cardId: string) {
      if (!cards.some((c) => c.cardId === cardId)) throw new Error('no such demo card');
      reader.insert(openDemoCard(stateDir, cardId));
    },
    async remove() {
      reader.remove();
    },
  };
}
