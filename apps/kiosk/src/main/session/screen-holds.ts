/**
 * Tests only: holds a passing "please wait" screen still until the test releases it, so that an
 * accessibility check (axe) can look at a screen that otherwise goes by in milliseconds. The
 * session calls `shown` with each view that changes the screen (KioskSessionOptions.holdScreen);
 * the browser kiosk host exposes hold/release on its bridge only when started with
 * --test-screen-holds, which a kiosk outside demo mode refuses (kiosk-main.ts).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { KioskView } from '@madoguchi/shared';
import { AWAIT_RESIDENT_MS, type HeldTransaction } from '../journal/crash-recovery.js';

/**
 * The screens the main process shows while it works, without waiting for the resident; the iPhone's
 * "confirm on your phone" is the authenticating screen with phoneConfirmation, held by its own name.
 * `awaitingResident` is not a passing screen but one only a crash brings: holding it SHOWS it
 * (`onHold`: kiosk-main gives the session `standInHeldTransaction()`), so a check can see what a
 * restarted kiosk shows; cancel leaves it as it would a real one.
 */
export const HoldableScreen = z.enum([
  'readingCard',
  'authenticating',
  'phoneConfirmation',
  'quoting',
  'issuing',
  'printing',
  'domicileApplying',
  'awaitingResident',
]);
export type HoldableScreen = z.infer<typeof HoldableScreen>;

export const ScreenHoldRequest = z.strictObject({ screen: HoldableScreen, held: z.boolean() });
export type ScreenHoldRequest = z.infer<typeof ScreenHoldRequest>;

export class ScreenHolds {
  private readonly held = new Map<HoldableScreen, { promise: Promise<void>; release: () => void }>();

  constructor(private readonly onHold?: (screen: HoldableScreen) => void) {}

  /** Held: the session stops on this screen each time it comes, until `set(screen, false)`. */
  set({ screen, held }: ScreenHoldRequest): void {
    const entry = this.held.get(screen);
    if (held && !entry) {
      let release!: () => void;
      const promise = new Promise<void>((resolve) => (release = resolve));
      this.held.set(screen, { promise, release });
      this.onHold?.(screen);
    } else if (!held && entry) {
      this.held.delete(screen);
      entry.release();
    }
  }

  /** Waits while the view's screen is held; at once otherwise. */
  readonly shown = async (view: KioskView): Promise<void> => {
    await this.held.get(view.phoneConfirmation ? 'phoneConfirmation' : (view.screen as HoldableScreen))?.promise;
  };
}

/**
 * What holding `awaitingResident` shows: a held transaction of no issuance the journal knows, so it
 * holds no money (settleHeld finds nothing to refund) and no card's certificate matches its digest.
 */
export function standInHeldTransaction(now = Date.now()): HeldTransaction {
  return {
    issuanceId: randomUUID(),
    authCertificateSha256: '0'.repeat(64),
    paymentKey: randomUUID(),
    certificateType: 'residenceRecord',
    totalYen: 0,
    unprinted: [],
    until: now + AWAIT_RESIDENT_MS,
  };
}
