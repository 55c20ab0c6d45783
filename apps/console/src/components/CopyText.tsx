/** Something shown once (an enrolment link, an API token), selectable, with a copy button. */
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';

export function CopyText({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <div className="copy-text">
      <p>{label}</p>
      <output data-testid={testId} className="secret">
        {text}
      </output>
      <Button
        className="button secondary"
        onPress={() => {
          void navigator.clipboard
            ?.writeText(text)
            .then(() => setCopied(true))
            .catch(() => undefined);
        }}
      >
        {t('common.copy')}
      </Button>
      <span role="status">{copied ? t('common.copied') : ''}</span>
    </div>
  );
}
