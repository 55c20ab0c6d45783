/**
 * A resident's walk through a real KioskSession in a test, from the start screen to the payment screen: the card
 * (a VirtualJpkiCard for a harness's TestCard) placed in a virtual reader, the PIN typed on the session's shuffled
 * keypad, 住民票の写し chosen and confirmed. Shared by the journal tests that then cut the link to the center at
 * payment or printing (cancel-after-lost-payment, print-result-order).
 */
import { createPrivateKey } from 'node:crypto';
import { VirtualJpkiCard } from '@madoguchi/card-sim';
import type { createVirtualReader } from '@madoguchi/kiosk/card';
import type { KioskSession } from '@madoguchi/kiosk/session';
import type { TestCard } from '../../center/support/center-harness.js';
import { until } from './until.js';

type View = ReturnType<KioskSession['getView']>;

export interface SessionDriver {
  /** The view once the session is on one of `screens` (until's 30 s by default). */
  screen(...screens: string[]): Promise<View>;
  /** Sends an intent and waits until the session has handled it. */
  send(intent: unknown): Promise<void>;
}

export function driveSession(session: KioskSession): SessionDriver {
  return {
    screen: (...screens) => until(screens.join('/'), () => (screens.includes(session.getView().screen) ? session.getView() : undefined)),
    send: async (intent) => {
      await session.send(intent);
      await session.idle();
    },
  };
}

/** Start → card (PIN 1234) → menu → 住民票の写し × `copies` → confirm; returns the payment screen's view. */
export async function walkToPayment(
  session: KioskSession,
  reader: ReturnType<typeof createVirtualReader>,
  card: TestCard,
  { copies = 1 }: { copies?: number } = {},
): Promise<View> {
  const { screen, send } = driveSession(session);
  await send({ type: 'start' });
  reader.insert(
    new VirtualJpkiCard({
      authCertificateDer: card.certificateDer,
      authPrivateKey: createPrivateKey(card.privateKey.export({ type: 'pkcs8', format: 'pem' })),
      authPin: '1234',
    }),
  );
  await screen('pin');
  for (const digit of '1234') await send({ type: 'pinKey', position: session.getView().keypad!.indexOf(digit) });
  await send({ type: 'pinSubmit' });
  await screen('menu');
  await send({ type: 'chooseCertificate', certificateType: 'residenceRecord' });
  if (copies !== 1) await send({ type: 'setOptions', options: session.getView().selected!.options, copies });
  await send({ type: 'confirm' });
  return screen('payment');
}
