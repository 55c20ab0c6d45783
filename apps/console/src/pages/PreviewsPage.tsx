/** A sample (見本) of each certificate type, rendered by the center with the current settings. */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { certificateTypes, type CertificateType } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { Page } from '../components/Page.js';
import { QueryState } from '../components/messages.js';
import { PdfPreview } from '../components/PdfPreview.js';
import { PlainSelect } from '../forms/fields.js';
import { useMunicipalityPage } from './municipality-page.js';

export function PreviewsPage() {
  const { t } = useTranslation();
  const page = useMunicipalityPage('read');
  const [type, setType] = useState<CertificateType>('residenceRecord');
  const preview = useQuery({
    queryKey: ['preview', page.code, type],
    queryFn: () => callConsole('preview', { params: { municipalityCode: page.code, certificateType: type } }),
    staleTime: 0,
  });
  const options = certificateTypes.map((id) => ({ id, label: t(`certificateTypes.${id}`) }));
  return (
    <Page name="previews" title={t('previews.title')} intro={t('previews.intro')}>
      <PlainSelect label={t('previews.certificateType')} options={options} value={type} onChange={(v) => setType(v as CertificateType)} />
      <QueryState query={preview}>{(data) => <PdfPreview key={type} pdfBase64={data.pdfBase64} />}</QueryState>
    </Page>
  );
}
