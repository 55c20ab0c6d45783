/**
 * The 本籍地's queue of 本籍地利用登録申請 in the console: its own applications only, each with the
 * applicant as this municipality knows them — name and birth date from its own 戸籍, address from
 * its own 附票 — so a clerk can tell who applied. Personal data: answered to this municipality's
 * staff and never logged. Decisions go through decideDomicileRegistration, scoped to the
 * municipality in the path (an id of another municipality is not found), with the staff id and
 * the reason in the row and in the history.
 */
import type { ConsoleResponse } from '@madoguchi/shared';
import { readTransaction, type CenterDatabase } from '../db/database.js';
import { decideDomicileRegistration, type DomicileRegistration, type DomicileRegistrationStatus } from '../policy/domicile-registration.js';
import type { Executor } from '../residents/queries.js';
import { requirePlainText } from './plain-text.js';

export type DomicileRegistrationView = ConsoleResponse<'approveDomicileRegistration'>;

interface PersonData {
  personId: string;
  name: { family: string; given: string };
  birthDate?: string;
}

/** The applicant's entry in this municipality's 戸籍 and 附票 (the latest address). */
async function applicantAsKnown(trx: Executor, code: string, residentId: string): Promise<DomicileRegistrationView['applicant']> {
  const person = await trx
    .selectFrom('family_register_persons as p')
    .innerJoin('family_registers as r', 'r.register_id', 'p.register_id')
    .select(['p.register_id', 'p.data'])
    .where('p.resident_id', '=', residentId)
    .where('r.municipality_code', '=', code)
    .executeTakeFirst();
  if (!person) return { residentId, name: '', birthDate: null, address: null };
  const data = JSON.parse(person.data) as PersonData;
  const history = await trx.selectFrom('address_histories').select('data').where('register_id', '=', person.register_id).executeTakeFirst();
  const entries = history
    ? (JSON.parse(history.data) as { entries: { personId: string; address: string; addressSetOn: string }[] }).entries
    : [];
  const latest = entries
    .filter((e) => e.personId === data.personId)
    .sort((a, b) => a.addressSetOn.localeCompare(b.addressSetOn))
    .at(-1);
  return {
    residentId,
    name: `${data.name.family} ${data.name.given}`.trim(),
    birthDate: data.birthDate ?? null,
    address: latest?.address ?? null,
  };
}

async function viewOf(trx: Executor, code: string, r: DomicileRegistration, channel: string): Promise<DomicileRegistrationView> {
  return {
    registrationId: r.registrationId,
    status: r.status,
    appliedAt: r.appliedAt,
    channel,
    applicant: await applicantAsKnown(trx, code, r.residentId),
    decidedAt: r.decidedAt,
    decidedBy: r.decidedBy,
    reason: r.reason,
  };
}

/** The channel an application came through, from its history row (kiosk or clerk). */
async function channelsOf(trx: Executor, code: string): Promise<Map<string, string>> {
  const rows = await trx
    .selectFrom('audit_events')
    .select('detail_json')
    .where('event', '=', 'domicile_registration_applied')
    .where('municipality_code', '=', code)
    .execute();
  const channels = new Map<string, string>();
  for (const row of rows) {
    const detail = JSON.parse(row.detail_json ?? '{}') as { registrationId?: string; channel?: string };
    if (detail.registrationId && detail.channel) channels.set(detail.registrationId, detail.channel);
  }
  return channels;
}

export function domicileQueue(
  database: CenterDatabase,
  code: string,
  status: DomicileRegistrationStatus,
): Promise<ConsoleResponse<'domicileRegistrations'>> {
  return readTransaction(database, async (trx) => {
    const rows = await trx
      .selectFrom('domicile_registrations')
      .selectAll()
      .where('domicile_municipality_code', '=', code)
      .where('status', '=', status)
      .orderBy('applied_at')
      .execute();
    const channels = await channelsOf(trx, code);
    const registrations: DomicileRegistrationView[] = [];
    for (const r of rows) {
      const registration: DomicileRegistration = {
        registrationId: r.registration_id,
        residentId: r.resident_id,
        domicileMunicipalityCode: r.domicile_municipality_code,
        status: r.status as DomicileRegistrationStatus,
        appliedAt: r.applied_at,
        decidedAt: r.decided_at,
        decidedBy: r.decided_by,
        reason: r.decision_reason ?? null,
      };
      registrations.push(await viewOf(trx, code, registration, channels.get(r.registration_id) ?? 'kiosk'));
    }
    return { registrations };
  });
}

export async function decide(
  database: CenterDatabase,
  code: string,
  registrationId: string,
  decision: { status: 'approved' | 'rejected'; staffId: string; reason?: string; now: Date },
): Promise<DomicileRegistrationView> {
  if (decision.reason !== undefined) requirePlainText({ reason: decision.reason });
  const decided = await decideDomicileRegistration(database, registrationId, decision.status, decision.staffId, {
    now: decision.now,
    municipalityCode: code,
    staffId: decision.staffId,
    ...(decision.reason === undefined ? {} : { reason: decision.reason }),
  });
  return readTransaction(database, async (trx) => viewOf(trx, code, decided, (await channelsOf(trx, code)).get(registrationId) ?? 'kiosk'));
}
