/** What every screen needs: the current view, a way to send intents, and words in the view's language. */
import { createContext, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskIntent, KioskView } from '@madoguchi/shared';

export interface KioskContextValue {
  view: KioskView;
  /**
   * Resolves true when the main process took the intent, false when it refused it (never
   * rejects: what the resident sees next always comes back as a view).
   */
  send: (intent: KioskIntent) => Promise<boolean>;
}

export const KioskContext = createContext<KioskContextValue | null>(null);

export function useKiosk(): KioskContextValue {
  const value = useContext(KioskContext);
  if (!value) throw new Error('useKiosk outside KioskContext');
  return value;
}

/** `t` bound to the view's language (not i18next's global one, which the view does not own). */
export function useKioskT() {
  const { view } = useKiosk();
  return useTranslation('translation', { lng: view.language });
}
