/**
 * Errors and confirmations in live regions, so a screen reader hears them where a sighted clerk
 * sees them. An error shows the shared catalog's message for its code, and the center's issues
 * (row by row, field by field) below it.
 */
import { useTranslation } from 'react-i18next';
import { ConsoleError } from '../api/console-client.js';
import { messageInLanguage } from '../forms/field-messages.js';
import { errorText } from '../i18n/index.js';

export function useErrorText(): (error: unknown) => string {
  const { i18n } = useTranslation();
  return (error) => errorText(error instanceof ConsoleError ? error.code : 'INTERNAL', i18n.language);
}

export function ErrorMessage({ error, showIssues = true }: { error: unknown; showIssues?: boolean }) {
  const { i18n } = useTranslation();
  const text = useErrorText();
  const issues = showIssues && error instanceof ConsoleError ? error.issues : [];
  return (
    <div role="alert" className="error-message">
      {error ? <p>{text(error)}</p> : null}
      {issues.length > 0 ? (
        <ul>
          {issues.map((issue, i) => (
            <li key={i}>
              <code>{issue.path}</code> {messageInLanguage(issue.message, i18n.language === 'en' ? 'en' : 'ja') ?? issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Always in the page (empty when there is nothing), so its changes are announced. */
export function StatusMessage({ text }: { text: string | null }) {
  return (
    <p role="status" className={text ? 'status-message' : 'status-message empty'}>
      {text ?? ''}
    </p>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="loading">
      {t('app.loading')}
    </p>
  );
}

/** A query's states: loading, failed (with its catalog message), or its data. */
export function QueryState<T>({
  query,
  children,
}: {
  query: { data?: T; error: unknown; isPending: boolean };
  children: (data: T) => React.ReactNode;
}) {
  if (query.error) return <ErrorMessage error={query.error} />;
  if (query.isPending || query.data === undefined) return <Loading />;
  return <>{children(query.data)}</>;
}
