/** The heartbeat wired to the kiosk's own parts (kiosk-main.ts): its center client, printer, reader, cash unit and session. */
import type { HeartbeatReaderState } from '@madoguchi/shared';
import type { CenterClient } from '../center/center-client.js';
import type { CashDevice } from '../payment/cash-device.js';
import type { Printer } from '../printer/printer.js';
import type { KioskSession } from '../session/kiosk-session.js';
import type { SessionLog } from '../session/ports.js';
import { startHeartbeat, type Heartbeat } from './heartbeat-service.js';
import { KIOSK_SOFTWARE_VERSION } from './software-version.js';

export interface KioskParts {
  center: Pick<CenterClient, 'heartbeat'>;
  printer: Pick<Printer, 'status'>;
  card: { readonly readerStatus: HeartbeatReaderState };
  cash: CashDevice | undefined;
  session: Pick<KioskSession, 'getView' | 'onView'>;
  log: SessionLog;
  intervalMs?: number;
}

export function startKioskHeartbeat(parts: KioskParts): Heartbeat {
  const heartbeat = startHeartbeat({
    send: (request) => parts.center.heartbeat(request),
    printerStatus: () => parts.printer.status(),
    readerStatus: () => parts.card.readerStatus,
    // A cash unit's driver reports no faults through CashDevice yet: present is as much as the kiosk knows.
    cashState: () => (parts.cash ? 'ready' : 'absent'),
    softwareVersion: KIOSK_SOFTWARE_VERSION,
    log: parts.log,
    ...(parts.intervalMs ? { intervalMs: parts.intervalMs } : {}),
  });
  // The session shows 'done' after the last copy is printed, and only then: the issuance came out whole.
  let screen = parts.session.getView().screen;
  parts.session.onView((view) => {
    if (view.screen === 'done' && screen !== 'done') heartbeat.issuancePrinted();
    screen = view.screen;
  });
  return heartbeat;
}
