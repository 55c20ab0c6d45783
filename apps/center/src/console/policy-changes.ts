/**
 * Saving a console change to a municipality's policy: read the stored policy, apply the edit
 * (policy-edits.ts), validate the whole policy again with the shared schema, write it and its
 * history row (`configuration_changed`: staffId, section, before, after — never a name) in one
 * transaction. A refused edit throws before anything is written, so policy and history stay as
 * they were. Serialised per municipality, so two staff saving at once cannot lose one change.
 */
import { MadoguchiError, MunicipalityPolicy } from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { writeTransaction, type CenterDatabase } from '../db/database.js';
import { policyIn } from '../policy/policy-store.js';
import type { Executor } from '../residents/queries.js';
import { formatPath } from '../residents/paths.js';
import type { PolicyEdit } from './policy-edits.js';

/** The parts of a municipality's settings the history names. */
export type ConfigurationSection = 'offerings' | 'fees' | 'hours' | 'outages' | 'head' | 'seal';

export interface ChangeBy {
  database: CenterDatabase;
  staffId: string;
  municipalityCode: string;
  now: Date;
}

/** The history row of a configuration change, in the caller's transaction. */
export async function recordConfigurationChange(
  trx: Executor,
  by: ChangeBy,
  section: ConfigurationSection,
  before: unknown,
  after: unknown,
): Promise<void> {
  await appendAudit(
    trx,
    by.database.kind,
    { event: 'configuration_changed', municipalityCode: by.municipalityCode, detail: { staffId: by.staffId, section, before, after } },
    by.now,
  );
}

export async function storedPolicy(trx: Executor, code: string): Promise<MunicipalityPolicy> {
  const policy = await policyIn(trx, code);
  if (!policy) throw new MadoguchiError('NOT_FOUND', `no policy for municipality ${code}`);
  return policy;
}

export async function writePolicy(trx: Executor, policy: MunicipalityPolicy, now: Date): Promise<void> {
  const parsed = MunicipalityPolicy.safeParse(policy);
  if (!parsed.success) {
    throw new MadoguchiError(
      'INPUT_INVALID',
      'the changed policy is not valid',
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  await trx
    .updateTable('municipality_policies')
    .set({ data: JSON.stringify(parsed.data), updated_at: now.toISOString() })
    .where('municipality_code', '=', policy.municipalityCode)
    .execute();
}

export const policyLock = (code: string) => `municipality-policy:${code}`;

/** Applies `edit` to the stored policy of `by.municipalityCode` and records it; answers the edit's result. */
export function changePolicy<R>(
  by: ChangeBy,
  section: ConfigurationSection,
  edit: (policy: MunicipalityPolicy) => PolicyEdit<R>,
): Promise<R | undefined> {
  return writeTransaction(
    by.database,
    async (trx) => {
      const changed = edit(await storedPolicy(trx, by.municipalityCode));
      await writePolicy(trx, changed.policy, by.now);
      await recordConfigurationChange(trx, by, section, changed.before, changed.after);
      return changed.result;
    },
    { serializeAs: policyLock(by.municipalityCode) },
  );
}
