/**
 * The municipality pages' console routes (offerings, fees, hours, outages, head and seal, previews,
 * imports, 本籍地 registrations, history), registered from the console route table through
 * http/console-route.ts, which has authenticated the staff member and checked the route's
 * permission for the municipality in the path before a handler runs. Every handler reads and
 * writes only rows of `params.municipalityCode`; every change writes its history row with it.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { japanDate } from '@madoguchi/shared';
import type { CenterContext } from '../http/context.js';
import { consoleRoute, type StaffPrincipal } from '../http/console-route.js';
import { scopedImport } from '../residents/scoped-import.js';
import { renderPreview } from './certificate-preview.js';
import { decide, domicileQueue } from './domicile-queue.js';
import { putHead, putSeal } from './head-and-seal.js';
import { historyPage, importHistory } from './history-view.js';
import { municipalityOverview } from './municipality-overview.js';
import { changePolicy, storedPolicy, type ChangeBy } from './policy-changes.js';
import {
  outageState,
  withHours,
  withOfferings,
  withOutage,
  withOutageEnded,
  withoutScheduledFee,
  withScheduledFee,
} from './policy-edits.js';
import { requirePlainText } from './plain-text.js';
import { checkSealImage, sealDimensions, sealSha256 } from './seal-image.js';
import { layoutFor } from '../rendering/layout/layout-profile.js';

export function registerMunicipalityRoutes(context: CenterContext, app: FastifyInstance): void {
  registerSettingsRoutes(context, app);
  registerOutageRoutes(context, app);
  registerSealRoutes(context, app);
  registerDataRoutes(context, app);
}

const changeBy = (context: CenterContext, staff: StaffPrincipal, municipalityCode: string): ChangeBy => ({
  database: context.database,
  staffId: staff.staffId,
  municipalityCode,
  now: context.now(),
});

/** The overview, and the changes that answer it: offerings, fees, hours, head. */
function registerSettingsRoutes(context: CenterContext, app: FastifyInstance): void {
  const overview = (code: string) => municipalityOverview(context.database, code, context.now());
  consoleRoute(context, app, 'overview', async ({ params }) => overview(params.municipalityCode));
  consoleRoute(context, app, 'putOfferings', async ({ staff, params, body }) => {
    await changePolicy(changeBy(context, staff, params.municipalityCode), 'offerings', (p) => withOfferings(p, body.offerings));
    return overview(params.municipalityCode);
  });
  consoleRoute(context, app, 'scheduleFee', async ({ staff, params, body }) => {
    const by = changeBy(context, staff, params.municipalityCode);
    await changePolicy(by, 'fees', (p) => withScheduledFee(p, body, japanDate(by.now)));
    return overview(params.municipalityCode);
  });
  consoleRoute(context, app, 'cancelFee', async ({ staff, params, body }) => {
    const by = changeBy(context, staff, params.municipalityCode);
    await changePolicy(by, 'fees', (p) => withoutScheduledFee(p, body, japanDate(by.now)));
    return overview(params.municipalityCode);
  });
  consoleRoute(context, app, 'putHours', async ({ staff, params, body }) => {
    await changePolicy(changeBy(context, staff, params.municipalityCode), 'hours', (p) => withHours(p, body.target, body.hours));
    return overview(params.municipalityCode);
  });
  consoleRoute(context, app, 'putHead', async ({ staff, params, body }) => {
    await putHead(changeBy(context, staff, params.municipalityCode), body);
    return overview(params.municipalityCode);
  });
}

function registerOutageRoutes(context: CenterContext, app: FastifyInstance): void {
  const view = (o: { outageId: string; from: string; until: string; certificateTypes?: string[]; reason: string }, now: Date) => ({
    outageId: o.outageId,
    from: o.from,
    until: o.until,
    certificateTypes: (o.certificateTypes ?? null) as never,
    reason: o.reason,
    state: outageState(o, now),
  });
  consoleRoute(context, app, 'declareOutage', async ({ staff, params, body }) => {
    requirePlainText({ reason: body.reason });
    const by = changeBy(context, staff, params.municipalityCode);
    const outage = await changePolicy(by, 'outages', (p) => withOutage(p, body, `out_${randomUUID()}`, by.now));
    return view(outage!, by.now);
  });
  consoleRoute(context, app, 'endOutage', async ({ staff, params }) => {
    const by = changeBy(context, staff, params.municipalityCode);
    const outage = await changePolicy(by, 'outages', (p) => withOutageEnded(p, params.outageId, by.now));
    return view(outage!, by.now);
  });
}

function registerSealRoutes(context: CenterContext, app: FastifyInstance): void {
  consoleRoute(context, app, 'seal', async ({ params }) => {
    const policy = await storedPolicy(context.database.db, params.municipalityCode);
    return {
      pngBase64: policy.officialSealPng,
      sizeMm: policy.officialSealSizeMm ?? layoutFor(params.municipalityCode).sealSizeMm,
      sha256: sealSha256(policy.officialSealPng),
      ...sealDimensions(policy.officialSealPng),
    };
  });
  consoleRoute(context, app, 'putSeal', async ({ staff, params, body }) => {
    const image = checkSealImage(body.imageBase64);
    await putSeal(changeBy(context, staff, params.municipalityCode), image, body.sizeMm);
    return { pngBase64: image.pngBase64, sizeMm: body.sizeMm, sha256: image.sha256, widthPx: image.widthPx, heightPx: image.heightPx };
  });
  consoleRoute(context, app, 'previewSeal', async ({ params, body }) => {
    const image = checkSealImage(body.imageBase64);
    return renderPreview(context, params.municipalityCode, 'residenceRecord', { pngBase64: image.pngBase64, sizeMm: body.sizeMm });
  });
  consoleRoute(context, app, 'preview', async ({ params }) => renderPreview(context, params.municipalityCode, params.certificateType));
}

/** Imports, the 本籍地 queue and the history. */
function registerDataRoutes(context: CenterContext, app: FastifyInstance): void {
  consoleRoute(context, app, 'imports', async ({ params }) => importHistory(context.database, params.municipalityCode));
  consoleRoute(context, app, 'runImport', async ({ staff, params, body }) =>
    scopedImport(context.database, params.municipalityCode, { staffId: staff.staffId, tokenId: null }, body, context.now()),
  );
  consoleRoute(context, app, 'domicileRegistrations', async ({ params, query }) =>
    domicileQueue(context.database, params.municipalityCode, query.status),
  );
  consoleRoute(context, app, 'approveDomicileRegistration', async ({ staff, params }) =>
    decide(context.database, params.municipalityCode, params.registrationId, {
      status: 'approved',
      staffId: staff.staffId,
      now: context.now(),
    }),
  );
  consoleRoute(context, app, 'rejectDomicileRegistration', async ({ staff, params, body }) =>
    decide(context.database, params.municipalityCode, params.registrationId, {
      status: 'rejected',
      staffId: staff.staffId,
      reason: body.reason,
      now: context.now(),
    }),
  );
  consoleRoute(context, app, 'history', async ({ params, query }) => historyPage(context.database, params.municipalityCode, query));
}
