/**
 * A statement's or settlement's PDF and CSV: one button each, which asks the center for the file
 * with the session (so a refusal shows its catalog message here) and saves what it answers.
 */
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, StatusMessage } from '../components/messages.js';
import { browserSaveDeps, saveBillingFile, type BillingFileData } from './billing-file.js';

export type BillingFileFormat = 'pdf' | 'csv';

export function BillingFileButtons({
  load,
  labels,
  fallbackName,
}: {
  load: (format: BillingFileFormat) => Promise<BillingFileData>;
  labels: Record<BillingFileFormat, string>;
  /** A name without extension, for a file whose own name is unusable. */
  fallbackName: string;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<BillingFileFormat | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<string | null>(null);
  const download = async (format: BillingFileFormat) => {
    setBusy(format);
    setError(null);
    setStatus(null);
    try {
      const file = await load(format);
      saveBillingFile(file, `${fallbackName}.${format}`, browserSaveDeps);
      setStatus(t('billing.files.saved', { name: file.fileName }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="billing-files">
      <div className="actions">
        {(['pdf', 'csv'] as const).map((format) => (
          <Button
            key={format}
            className="button secondary"
            isDisabled={busy !== null}
            data-format={format}
            onPress={() => void download(format)}
          >
            {labels[format]}
          </Button>
        ))}
      </div>
      {error ? <ErrorMessage error={error} /> : null}
      <StatusMessage text={status} />
    </div>
  );
}
