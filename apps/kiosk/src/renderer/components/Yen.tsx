/** Integer yen in the resident's language (円 in Japanese, ¥ elsewhere). */
import { useKioskT } from '../kiosk-context.js';
import { formatYenAmount } from '../i18n/index.js';

export function useYen(): (yen: number) => string {
  const { t } = useKioskT();
  return (yen) => t('common.yen', { amount: formatYenAmount(yen) });
}
