/**
 * The console routes of anomalies (incidents, disposals, chain verification and heads), registered from the console route table through
 * http/console-route.ts (session, permission and CSRF are checked before a handler runs). Incidents,
 * verification and heads are `oversee` (operators and auditors, service-wide); triage is `operate`;
 * a disposal is recorded under the municipality's own path and finds only that municipality's documents.
 */
import type { FastifyInstance } from 'fastify';
import { MadoguchiError } from '@madoguchi/shared';
import { chainHeadPublicKeyPem, publishedHead } from '../audit/chain-heads.js';
import { recordDisposal } from '../audit/disposal.js';
import type { CenterContext } from '../http/context.js';
import { consoleRoute } from '../http/console-route.js';
import { incidentPage, triageIncident } from '../issuance/incidents.js';
import { chainVerification } from './anomaly-verification.js';
import { requirePlainText } from './plain-text.js';

/** 00:00 JST of a Japan date, as the instant incidents are stored in. */
const japanDayStart = (date: string, plusDays = 0) =>
  new Date(new Date(`${date}T00:00:00+09:00`).getTime() + plusDays * 86_400_000).toISOString();

export function registerAnomalyRoutes(context: CenterContext, app: FastifyInstance): void {
  registerIncidentRoutes(context, app);
  consoleRoute(context, app, 'recordDisposal', async ({ staff, params, body }) => {
    requirePlainText({ reason: body.reason });
    const recorded = await recordDisposal(
      context.database,
      { issueNumber: body.issueNumber, reason: body.reason, by: { staffId: staff.staffId }, municipalityCode: params.municipalityCode },
      context.now(),
    );
    if (!recorded) throw new MadoguchiError('NOT_FOUND', 'no document of this municipality with that issue number');
    return recorded;
  });
  consoleRoute(context, app, 'verifyChain', async ({ query }) => chainVerification(context, { startedAfter: query.startedAfter }));
  consoleRoute(context, app, 'chainHeads', async ({ query }) => {
    let rows = context.database.db.selectFrom('chain_heads').selectAll();
    if (query.before !== undefined) rows = rows.where('seq', '<', query.before);
    const heads = await rows.orderBy('seq', 'desc').limit(query.limit).execute();
    const signer = context.config.chainHeads?.signer;
    return {
      heads: heads.map((row) => ({ headId: row.head_id, ...publishedHead(row) })),
      nextBefore: heads.length === query.limit ? Number(heads.at(-1)!.seq) : null,
      publicKeyPem: signer ? chainHeadPublicKeyPem(signer) : null,
    };
  });
}

function registerIncidentRoutes(context: CenterContext, app: FastifyInstance): void {
  consoleRoute(context, app, 'incidents', async ({ query }) => {
    const [createdAt, incidentId] = query.after ? query.after.split('|') : [];
    const page = await incidentPage(context.database.db, {
      kind: query.kind,
      state: query.state,
      fromInstant: query.from ? japanDayStart(query.from) : undefined,
      untilInstant: query.until ? japanDayStart(query.until, 1) : undefined,
      municipalityCode: query.municipalityCode,
      terminalId: query.terminalId,
      after: createdAt && incidentId ? { createdAt, incidentId } : undefined,
      limit: query.limit,
    });
    return { incidents: page.incidents, nextAfter: page.nextAfter ? `${page.nextAfter.createdAt}|${page.nextAfter.incidentId}` : null };
  });
  consoleRoute(context, app, 'acknowledgeIncident', async ({ staff, params, body }) => {
    if (body.note) requirePlainNote(body.note);
    return triageIncident(
      context.database,
      params.incidentId,
      { action: 'acknowledge', note: body.note ?? null, by: { staffId: staff.staffId } },
      context.now(),
    );
  });
  consoleRoute(context, app, 'resolveIncident', async ({ staff, params, body }) => {
    requirePlainNote(body.note);
    return triageIncident(
      context.database,
      params.incidentId,
      { action: 'resolve', note: body.note, by: { staffId: staff.staffId } },
      context.now(),
    );
  });
}

/** A note may hold line breaks (it stays in the incidents table), but no other control character. */
function requirePlainNote(note: string): void {
  if (/[^\P{Cc}\n\t]/u.test(note.replace(/\r\n/g, '\n')))
    throw new MadoguchiError('INPUT_INVALID', 'control characters in note', [
      { path: 'note', message: '改行以外の制御文字は使えません (no control characters but line breaks)' },
    ]);
}
