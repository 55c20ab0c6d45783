/**
 * Municipal data imports: choose JSON or CSV files (read as UTF-8), a dry run reports row by row,
 * then apply (after a confirmation). Below, the history: who (a staff id or an API token), when,
 * what, and how it ended.
 */
import { useRef, useState } from 'react';
import { Button, FileTrigger } from 'react-aria-components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { ImportHistoryEntry, ImportIssue, ImportResult } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { DataTable } from '../components/DataTable.js';
import { Page, Section } from '../components/Page.js';
import { ErrorMessage, QueryState } from '../components/messages.js';
import { importContent, isImportProblem, type ImportContent, type ImportFileProblem } from '../imports/import-files.js';
import { formatJapanTime } from '../time/japan-time.js';
import { useMunicipalityPage } from './municipality-page.js';

const issueColumn = createColumnHelper<z.infer<typeof ImportIssue>>();
const historyColumn = createColumnHelper<z.infer<typeof ImportHistoryEntry>>();

function ImportReport({ result }: { result: z.infer<typeof ImportResult> }) {
  const { t } = useTranslation();
  const summary = result.issues.length
    ? t('imports.reportIssues', { count: result.issues.length })
    : result.dryRun
      ? t('imports.reportOk', { total: result.total })
      : t('imports.applied', { total: result.total });
  const columns = [
    issueColumn.accessor('path', { header: t('imports.path') }),
    issueColumn.accessor('message', { header: t('imports.message') }),
  ];
  return (
    <Section title={t('imports.reportTitle')}>
      <p role="status" data-testid="import-summary">
        {summary}
      </p>
      {result.issues.length ? (
        <DataTable caption={t('imports.reportTitle')} data={result.issues} columns={columns} testId="import-issues" />
      ) : null}
    </Section>
  );
}

function ImportHistoryTable({ code }: { code: string }) {
  const { t } = useTranslation();
  const history = useQuery({ queryKey: ['imports', code], queryFn: () => callConsole('imports', { params: { municipalityCode: code } }) });
  const columns = [
    historyColumn.accessor('at', { header: t('imports.at'), cell: (c) => formatJapanTime(c.getValue()) }),
    historyColumn.display({ id: 'who', header: t('imports.who'), cell: ({ row }) => row.original.staffId ?? row.original.tokenId ?? '' }),
    historyColumn.accessor('format', { header: t('imports.format'), cell: (c) => c.getValue().toUpperCase() }),
    historyColumn.accessor('dryRun', {
      header: t('imports.mode'),
      cell: (c) => t(c.getValue() ? 'imports.modes.dryRun' : 'imports.modes.applied'),
    }),
    historyColumn.accessor('ok', {
      header: t('imports.result'),
      cell: (c) => t(c.getValue() ? 'imports.results.ok' : 'imports.results.failed'),
    }),
    historyColumn.accessor('total', { header: t('imports.total') }),
    historyColumn.accessor('issueCount', { header: t('imports.issueCount') }),
  ];
  return (
    <Section title={t('imports.historyTitle')}>
      <QueryState query={history}>
        {(data) => <DataTable caption={t('imports.historyTitle')} data={data.imports} columns={columns} rowKey={(i) => i.importId} />}
      </QueryState>
    </Section>
  );
}

function problemText(t: (key: string, options?: Record<string, unknown>) => string, problem: ImportFileProblem): string {
  return t(`imports.problems.${problem.kind}`, 'file' in problem ? { file: problem.file } : {});
}

function ImportRunner({ code, mayImport }: { code: string; mayImport: boolean }) {
  const { t } = useTranslation();
  // Cleared after each choice, so choosing the same (edited) file again is a new choice.
  const fileInput = useRef<HTMLInputElement>(null);
  const client = useQueryClient();
  const [names, setNames] = useState<string[]>([]);
  const [content, setContent] = useState<ImportContent | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<z.infer<typeof ImportResult> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const choose = async (files: FileList | null) => {
    const picked = await Promise.all([...(files ?? [])].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    if (fileInput.current) fileInput.current.value = '';
    setNames(picked.map((f) => f.name));
    setResult(null);
    setError(null);
    const read = importContent(picked);
    setProblem(isImportProblem(read) ? problemText(t, read) : null);
    setContent(isImportProblem(read) ? null : read);
  };
  const run = async (dryRun: boolean) => {
    if (!content) return;
    setError(null);
    try {
      setResult(await callConsole('runImport', { params: { municipalityCode: code }, body: { ...content, dryRun } }));
    } catch (e) {
      setResult(null);
      setError(e);
      if (!dryRun) throw e;
    } finally {
      await client.invalidateQueries({ queryKey: ['imports', code] });
    }
  };
  if (!mayImport) return null;
  return (
    <Section title={t('imports.title')}>
      <FileTrigger
        ref={fileInput}
        allowsMultiple
        acceptedFileTypes={['.json', '.csv', 'application/json', 'text/csv']}
        onSelect={(f) => void choose(f)}
      >
        <Button className="button secondary">{t('imports.files')}</Button>
      </FileTrigger>
      {names.length ? <p data-testid="import-files">{t('imports.chosen', { names: names.join(', ') })}</p> : null}
      {problem ? (
        <p role="alert" className="error-message">
          {problem}
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} /> : null}
      <div className="actions">
        <Button className="button" isDisabled={!content} onPress={() => void run(true)}>
          {t('imports.dryRun')}
        </Button>
        <ConfirmDialog
          triggerLabel={t('imports.apply')}
          title={t('imports.applyTitle')}
          body={t('imports.applyBody', { names: names.join(', ') })}
          isDisabled={!content || !result?.ok || !result.dryRun}
          onConfirm={() => run(false)}
        />
      </div>
      {result ? <ImportReport result={result} /> : null}
    </Section>
  );
}

export function ImportsPage() {
  const { t } = useTranslation();
  const page = useMunicipalityPage('import');
  return (
    <Page name="imports" title={t('imports.title')} intro={t('imports.intro')}>
      <ImportRunner code={page.code} mayImport={page.mayChange} />
      <ImportHistoryTable code={page.code} />
    </Page>
  );
}
