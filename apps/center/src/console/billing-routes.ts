/**
 * The console routes of billing (ledger, close, statements, settlements), registered from the console route table through
 * http/console-route.ts (session, permission and CSRF are checked before a handler runs). The
 * service-wide routes need `oversee` or `operate` (operators and auditors only); a municipality's
 * own routes read or change only rows of the municipality in the path.
 */
import type { FastifyInstance } from 'fastify';
import { DEFAULT_STORE_COMMISSION_YEN, japanDate, MadoguchiError, populationBandOf } from '@madoguchi/shared';
import type { CenterContext } from '../http/context.js';
import { consoleRoute } from '../http/console-route.js';
import { closeBillingMonth } from '../billing/close.js';
import { recordManualAdjustment } from '../billing/adjustments.js';
import {
  billingProfiles,
  commissionRates,
  participationChargeTable,
  putBillingProfile,
  putParticipationChargeTable,
  rateOn,
  scheduleCommissionRate,
} from '../billing/rates.js';
import {
  billingStatement,
  chainSettlement,
  ledgerEntryView,
  monthEntries,
  monthSummaries,
  municipalityMonths,
  municipalityName,
  municipalityNames,
} from '../billing/statement.js';
import { settlementFile, statementFile } from '../billing/statement-files.js';
import { writeTransaction } from '../db/database.js';

export function registerBillingRoutes(context: CenterContext, app: FastifyInstance): void {
  registerServiceWideRoutes(context, app);
  registerMunicipalityBillingRoutes(context, app);
}

async function storeCommissionList(context: CenterContext) {
  const db = context.database.db;
  const [chains, rates] = await Promise.all([
    db.selectFrom('store_chains').selectAll().orderBy('chain_code').execute(),
    commissionRates(db),
  ]);
  const today = japanDate(context.now());
  return {
    defaultRateYen: DEFAULT_STORE_COMMISSION_YEN,
    chains: chains.map((c) => ({
      chainCode: c.chain_code,
      name: c.name,
      rateTodayYen: rateOn(rates, c.chain_code, today),
      rates: rates.get(c.chain_code) ?? [],
    })),
  };
}

async function chargeView(context: CenterContext, fiscalYear: number) {
  const db = context.database.db;
  const [{ source, table }, profiles, names] = await Promise.all([
    participationChargeTable(db, fiscalYear),
    billingProfiles(db, { fiscalYear }),
    municipalityNames(db),
  ]);
  return {
    fiscalYear,
    source,
    table,
    profiles: profiles.map((p) => ({
      ...p,
      municipalityName: names.get(p.municipalityCode) ?? p.municipalityCode,
      annualChargeYen: table[p.band],
    })),
  };
}

function registerServiceWideRoutes(context: CenterContext, app: FastifyInstance): void {
  const db = context.database.db;
  consoleRoute(context, app, 'billingMonths', async ({ query }) => ({ months: await monthSummaries(db, query.month) }));
  consoleRoute(context, app, 'storeCommissions', async () => storeCommissionList(context));
  consoleRoute(context, app, 'scheduleStoreCommission', async ({ staff, body }) => {
    const now = context.now();
    await writeTransaction(context.database, (trx) =>
      scheduleCommissionRate(trx, body, { staffId: staff.staffId, today: japanDate(now), now }),
    );
    return storeCommissionList(context);
  });
  consoleRoute(context, app, 'participationCharges', async ({ params }) => chargeView(context, params.fiscalYear));
  consoleRoute(context, app, 'putParticipationCharges', async ({ staff, params, body }) => {
    await writeTransaction(context.database, (trx) =>
      putParticipationChargeTable(trx, params.fiscalYear, body, { staffId: staff.staffId, now: context.now() }),
    );
    return chargeView(context, params.fiscalYear);
  });
  consoleRoute(context, app, 'chainSettlement', async ({ params }) => chainSettlement(db, params.chainCode, params.month));
  consoleRoute(context, app, 'chainSettlementFile', async ({ params, query }) =>
    settlementFile(await chainSettlement(db, params.chainCode, params.month), query.format, context.services.renderReport),
  );
}

async function municipalityView(context: CenterContext, municipalityCode: string) {
  const db = context.database.db;
  const [name, months, profiles] = await Promise.all([
    municipalityName(db, municipalityCode),
    municipalityMonths(db, municipalityCode),
    billingProfiles(db, { municipalityCode }),
  ]);
  const withCharges = await Promise.all(
    profiles.map(async (p) => ({
      ...p,
      municipalityName: name,
      annualChargeYen: (await participationChargeTable(db, p.fiscalYear)).table[populationBandOf(p.kind, p.population)],
    })),
  );
  return { municipalityCode, municipalityName: name, months, profiles: withCharges };
}

function registerMunicipalityBillingRoutes(context: CenterContext, app: FastifyInstance): void {
  const db = context.database.db;
  consoleRoute(context, app, 'municipalityBilling', async ({ params }) => municipalityView(context, params.municipalityCode));
  consoleRoute(context, app, 'putBillingProfile', async ({ staff, params, body }) => {
    await municipalityName(db, params.municipalityCode);
    await writeTransaction(context.database, (trx) =>
      putBillingProfile(trx, { ...params, ...body }, { staffId: staff.staffId, now: context.now() }),
    );
    return municipalityView(context, params.municipalityCode);
  });
  consoleRoute(context, app, 'billingStatement', async ({ params }) => billingStatement(db, params.municipalityCode, params.month));
  consoleRoute(context, app, 'billingStatementFile', async ({ params, query }) =>
    statementFile(await billingStatement(db, params.municipalityCode, params.month), query.format, context.services.renderReport),
  );
  consoleRoute(context, app, 'billingLedger', async ({ params }) => {
    await municipalityName(db, params.municipalityCode);
    return { entries: (await monthEntries(db, params.municipalityCode, params.month)).map(ledgerEntryView) };
  });
  consoleRoute(context, app, 'closeBillingMonth', async ({ staff, params }) => {
    await closeBillingMonth(context.database, params.municipalityCode, params.month, { staffId: staff.staffId, now: context.now() });
    return billingStatement(db, params.municipalityCode, params.month);
  });
  consoleRoute(context, app, 'recordBillingAdjustment', async ({ staff, params, body }) => {
    if (
      body.chainCode !== null &&
      !(await db.selectFrom('store_chains').select('chain_code').where('chain_code', '=', body.chainCode).executeTakeFirst())
    )
      throw new MadoguchiError('NOT_FOUND', `store chain ${body.chainCode}`);
    return recordManualAdjustment(context.database, params.municipalityCode, body, { staffId: staff.staffId, now: context.now() });
  });
}
