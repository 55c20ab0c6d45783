/**
 * The municipality's head (title and name, printed under the 認証文: municipal data) with the note
 * printed by the seal (policy), and the 公印 image with its printed size (policy). Each save writes
 * its history row in the same transaction; the seal is recorded by its SHA-256, never the image.
 */
import { Municipality } from '@madoguchi/shared';
import { writeTransaction } from '../db/database.js';
import { layoutFor } from '../rendering/layout/layout-profile.js';
import { changePolicy, policyLock, recordConfigurationChange, storedPolicy, writePolicy, type ChangeBy } from './policy-changes.js';
import { storedMunicipality } from './municipality-overview.js';
import { requirePlainText } from './plain-text.js';
import { sealSha256, type SealImage } from './seal-image.js';

export function putHead(by: ChangeBy, head: { title: string; name: string; sealNote: string }): Promise<void> {
  requirePlainText(head);
  return writeTransaction(
    by.database,
    async (trx) => {
      const municipality = await storedMunicipality(trx, by.municipalityCode);
      const policy = await storedPolicy(trx, by.municipalityCode);
      const changed = Municipality.parse({ ...municipality, head: { title: head.title, name: head.name } });
      await trx
        .updateTable('municipalities')
        .set({ data: JSON.stringify(changed), updated_at: by.now.toISOString() })
        .where('code', '=', by.municipalityCode)
        .execute();
      await writePolicy(trx, { ...policy, fixedTexts: { ...policy.fixedTexts, sealNote: head.sealNote } }, by.now);
      const before = { ...municipality.head, sealNote: policy.fixedTexts.sealNote };
      await recordConfigurationChange(trx, by, 'head', before, head);
    },
    { serializeAs: policyLock(by.municipalityCode) },
  );
}

export async function putSeal(by: ChangeBy, image: SealImage, sizeMm: number): Promise<void> {
  await changePolicy(by, 'seal', (policy) => ({
    policy: { ...policy, officialSealPng: image.pngBase64, officialSealSizeMm: sizeMm },
    before: { sha256: sealSha256(policy.officialSealPng), sizeMm: policy.officialSealSizeMm ?? layoutFor(by.municipalityCode).sealSizeMm },
    after: { sha256: image.sha256, sizeMm },
  }));
}
