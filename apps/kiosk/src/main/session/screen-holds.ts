/**
 * Tests only: holds a passing "please wait" screen still until the test releases it, so that an
 * accessibility check (axe) can look at a screen that otherwise goes by in milliseconds. The
 * session calls `shown` with each view that changes the screen (KioskSessionOptions.holdScreen);
 * the browser kiosk host exposes hold/release on its bridge only when started with
 * --test-screen-holds, which a kiosk outside demo mode refuses (kiosk-main.ts).
 */
import { z } from 'zod';
import type { KioskView } from '@madoguchi/shared';

/**
 * The screens the main process shows while it works, without waiting for the resident; the iPhone's
 * "confirm on your phone" is the authenticating screen with phoneConfirmation, held by its own name.
 */
export const HoldableScreen = z.enum([
  'readingCard',
  'authenticating',
  'phoneConfirmation',
  'quoting',
  'issuing',
  'printing',
  'domicileApplying',
]);
export type HoldableScreen = z.infer<typeof HoldableScreen>;

export const ScreenHoldRequest = z.strictObject({ screen: HoldableScreen, held: z.boolean() });
export type ScreenHoldRequest = z.infer<typeof ScreenHoldRequest>;

export class ScreenHolds {
  private readonly held = new Map<HoldableScreen, { promise: Promise<void>; release: () => void }>();

  /** Held: the session stops on this screen each time it comes, until `set(screen, false)`. */
  set({ screen, held }: ScreenHoldRequest): void {
    const entry = this.held.get(screen);
    if (held && !entry) {
      let release!: () => void;
      const promise = new Promise<void>((resolve) => (release = resolve));
      this.held.set(screen, { promise, release });
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
