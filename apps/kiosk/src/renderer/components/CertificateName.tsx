/** A certificate's name: the Japanese name always, the resident's language beside it. */
import { certificateTypeLabels, type CertificateType } from '@madoguchi/shared';
import { useKiosk, useKioskT } from '../kiosk-context.js';

export function CertificateName({ type }: { type: CertificateType }) {
  const { view } = useKiosk();
  const { t } = useKioskT();
  const japanese = certificateTypeLabels[type].ja;
  return (
    <span className="certificate-name">
      <span className="name-ja" lang="ja">
        {japanese}
      </span>
      {view.language === 'ja' ? null : <span className="name-local">{t(`certificates.${type}`)}</span>}
    </span>
  );
}
