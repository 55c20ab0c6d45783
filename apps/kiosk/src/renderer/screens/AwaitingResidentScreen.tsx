/**
 * After a crash: a certificate paid and not printed waits a few minutes for the card that paid for
 * it (the main process's journal/crash-recovery.ts). Whoever stands at the kiosk reads it first, in
 * large type: place that card and enter its PIN to print; cancel refunds it.
 */
import { useKioskT } from '../kiosk-context.js';
import { ScreenFrame } from '../components/ScreenFrame.js';
import { ReaderStatus } from '../components/ReaderStatus.js';

export function AwaitingResidentScreen() {
  const { t } = useKioskT();
  return (
    <ScreenFrame screen="awaitingResident" heading={t('awaitingResident.heading')} lead={t('awaitingResident.lead')} showCancel>
      <ReaderStatus />
      <p className="lead" data-testid="awaiting-resident-other-card">
        {t('awaitingResident.otherCard')}
      </p>
    </ScreenFrame>
  );
}
