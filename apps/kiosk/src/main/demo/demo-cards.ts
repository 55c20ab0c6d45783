/**
 * Demo mode only: the virtual My Number cards made by the test PKI, placed on an in-process
 * virtual reader from the kiosk's demo panel. The one place the kiosk touches @madoguchi/card-sim;
 * a production kiosk is configured with a PC/SC reader and never loads this file.
 */
import { listDemoCards, openDemoCard } from '@madoguchi/card-sim';
import type { VirtualReader } from '../card/virtual-reader.js';
import type { DemoCardPort } from '../session/ports.js';

export function createDemoCards(stateDir: string, reader: VirtualReader): DemoCardPort {
  const cards = listDemoCards(stateDir).map((c) => ({ cardId: c.cardId, label: `${c.label} (PIN ${c.pin})` }));
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
