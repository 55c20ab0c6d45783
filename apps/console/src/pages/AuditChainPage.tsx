/**
 * The audit chain: "verify now" (the hash chain and every published head; the center runs one
 * verification at a time, in the background) and the signed daily heads with their signatures and key id. Operators
 * and auditors alike: verifying reads and changes nothing.
 */
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { createColumnHelper } from '@tanstack/react-table';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { ChainHeadView, ChainVerification, ChainVerificationState } from '@madoguchi/shared';
import { callConsole } from '../api/console.js';
import { CopyText } from '../components/CopyText.js';
import { DataTable } from '../components/DataTable.js';
import { Page, Section } from '../components/Page.js';
import { ErrorMessage, Loading, StatusMessage } from '../components/messages.js';
import { formatJapanTime } from '../time/japan-time.js';

type Head = z.infer<typeof ChainHeadView>;
type Verification = z.infer<typeof ChainVerification>;
type Progress = NonNullable<z.infer<typeof ChainVerificationState>['running']>;

/** How often the page asks again while the center walks a long chain (each answer comes within 1 s). */
const ASK_AGAIN_MS = 1_000;
const headColumn = createColumnHelper<Head>();
const problemColumn = createColumnHelper<Verification['problems'][number]>();

function VerificationResult({ result }: { result: Verification }) {
  const { t } = useTranslation();
  const columns = [
    problemColumn.accessor('seq', { header: t('anomalies.problemSeq'), cell: (c) => c.getValue() ?? '' }),
    problemColumn.accessor('kind', { header: t('anomalies.kind') }),
    problemColumn.accessor('message', { header: t('anomalies.problem') }),
  ];
  return (
    <div data-testid="chain-verification" data-ok={result.ok}>
      <p className={result.ok ? 'status-ok' : 'status-broken'}>
        {result.ok
          ? t('anomalies.verifiedOk', { rows: result.rows, heads: result.headsChecked })
          : t('anomalies.verifiedBroken', { count: result.problems.length })}
      </p>
      {result.firstBrokenSeq !== null ? <p>{t('anomalies.firstBroken', { seq: result.firstBrokenSeq })}</p> : null}
      {result.head ? <p>{t('anomalies.head', { seq: result.head.seq })}</p> : null}
      <p>{t('anomalies.verifiedAt', { startedAt: formatJapanTime(result.startedAt), finishedAt: formatJapanTime(result.finishedAt) })}</p>
      {result.problems.length > 0 ? (
        <DataTable caption={t('anomalies.verifyResult')} data={result.problems} columns={columns} rowKey={(_p, i) => String(i)} />
      ) : null}
    </div>
  );
}

/**
 * "Verify now": the center walks the chain in the background and answers within 1 s with the last
 * completed result and the running walk's progress; the page asks again about that walk until it
 * is done, showing the previous result and the rows checked so far meanwhile.
 */
function VerifySection() {
  const { t } = useTranslation();
  const [progress, setProgress] = useState<{ running: Progress; last: Verification | null } | null>(null);
  const verification = useMutation({
    mutationFn: async () => {
      let state = await callConsole('verifyChain', { query: {} });
      while (state.running) {
        setProgress({ running: state.running, last: state.last });
        await new Promise((resolve) => setTimeout(resolve, ASK_AGAIN_MS));
        state = await callConsole('verifyChain', { query: { startedAfter: state.running.startedAt } });
      }
      setProgress(null);
      return state.last!;
    },
    onSettled: () => setProgress(null),
  });
  const previous = verification.isPending ? progress?.last : null;
  const pendingText = progress ? t('anomalies.verifyingRows', { rows: progress.running.rowsChecked }) : t('anomalies.verifying');
  return (
    <Section title={t('anomalies.verifyResult')} id="chain-verify">
      <Button className="button" isDisabled={verification.isPending} onPress={() => verification.mutate()}>
        {verification.isPending ? t('anomalies.verifying') : t('anomalies.verify')}
      </Button>
      <StatusMessage text={verification.isPending ? pendingText : null} />
      {verification.error ? <ErrorMessage error={verification.error} /> : null}
      {verification.data && !verification.isPending ? <VerificationResult result={verification.data} /> : null}
      {previous ? (
        <>
          <p>{t('anomalies.previousResult')}</p>
          <VerificationResult result={previous} />
        </>
      ) : null}
    </Section>
  );
}

/** Hash and signature in full, wrapped inside the cell (a table wider than the page cannot be scrolled by keyboard). */
function HashAndSignature({ head }: { head: Head }) {
  const { t } = useTranslation();
  return (
    <dl className="history-detail">
      <dt>{t('anomalies.hash')}</dt>
      <dd>
        <code>{head.hash}</code>
      </dd>
      <dt>{t('anomalies.signature')}</dt>
      <dd>
        <code>{head.signature}</code>
      </dd>
    </dl>
  );
}

function HeadsSection() {
  const { t } = useTranslation();
  const heads = useInfiniteQuery({
    queryKey: ['chain-heads'],
    queryFn: ({ pageParam }) => callConsole('chainHeads', { query: { ...(pageParam ? { before: pageParam } : {}), limit: 30 } }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const columns = [
    headColumn.accessor('day', { header: t('anomalies.day') }),
    headColumn.accessor('seq', { header: t('anomalies.seq') }),
    headColumn.accessor('recordedAt', { header: t('anomalies.recordedAt'), cell: (c) => formatJapanTime(c.getValue()) }),
    headColumn.accessor('signedAt', { header: t('anomalies.signedAt'), cell: (c) => formatJapanTime(c.getValue()) }),
    headColumn.accessor('keyId', { header: t('anomalies.keyId') }),
    headColumn.display({
      id: 'hash',
      header: `${t('anomalies.hash')} / ${t('anomalies.signature')}`,
      cell: ({ row }) => <HashAndSignature head={row.original} />,
    }),
  ];
  const rows = heads.data?.pages.flatMap((page) => page.heads) ?? [];
  const publicKey = heads.data?.pages[0]?.publicKeyPem ?? null;
  return (
    <Section title={t('anomalies.heads')} id="chain-heads">
      {heads.error ? <ErrorMessage error={heads.error} /> : null}
      {heads.isPending ? (
        <Loading />
      ) : (
        <DataTable caption={t('anomalies.heads')} data={rows} columns={columns} rowKey={(h) => h.headId} testId="chain-heads" />
      )}
      {heads.hasNextPage ? (
        <Button className="button secondary" isDisabled={heads.isFetchingNextPage} onPress={() => void heads.fetchNextPage()}>
          {t('anomalies.olderHeads')}
        </Button>
      ) : null}
      {publicKey ? <CopyText label={t('anomalies.publicKey')} text={publicKey} /> : null}
    </Section>
  );
}

export function AuditChainPage() {
  const { t } = useTranslation();
  return (
    <Page name="audit-chain" title={t('anomalies.chainTitle')} intro={t('anomalies.chainIntro')}>
      <VerifySection />
      <HeadsSection />
    </Page>
  );
}
