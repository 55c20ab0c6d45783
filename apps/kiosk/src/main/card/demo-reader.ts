/**
 * The demo's in-process reader with virtual My Number cards. The only kiosk file that imports the
 * test-only @madoguchi/card-sim package: a production kiosk uses createPcscTransport instead.
 */
import { ensureDemoCards, listDemoCards, openDemoCard, type DemoCard, type DemoResident } from '@madoguchi/card-sim';
import { createVirtualReader, type VirtualReader } from './virtual-reader.js';

export interface DemoReader extends VirtualReader {
  cards: DemoCard[];
  /** Places the demo card `cardId` (PIN counters come from its state file, so a lock persists). */
  place(cardId: string): void;
}

export async function createDemoReader(stateDir: string, residents?: readonly DemoResident[]): Promise<DemoReader> {
  const cards = residents ? await ensureDemoCards(stateDir, residents) : listDemoCards(stateDir);
  const reader = createVirtualReader();
  return Object.assign(reader, {
    cards,
    place(cardId: string) {
      if (!cards.some((c) => c.cardId === cardId)) throw new Error(`no demo card ${cardId}`);
      reader.insert(openDemoCard(stateDir, cardId));
    },
  });
}
