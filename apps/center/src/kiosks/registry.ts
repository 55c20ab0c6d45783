/**
 * Enrolled kiosks. A kiosk is known by the SHA-256 of the client certificate the kiosk CA issued
 * it at enrollment; revoking the kiosk (or one certificate) takes effect on the next request, even
 * on an open keep-alive connection, because every kiosk request looks the fingerprint up here.
 */
import { MadoguchiError } from '@madoguchi/shared';
import { appendAudit } from '../audit/chain.js';
import { preparedStatement, writeTransaction, type CenterDatabase } from '../db/database.js';
import { signKioskCsr, type KioskCa } from './kiosk-ca.js';
import { requireStoreChain } from './store-chains.js';

export interface Kiosk {
  terminalId: string;
  printerId: string;
  storeCode: string;
  storeName: string;
  /**
   * The store chain, as read with the kiosk at the start of this request (kioskByCertificate); the
   * fee's ledger entry names it. Absent where a kiosk is built otherwise: the ledger then reads it.
   */
  chainCode?: string | null;
}

export interface EnrollInput extends Kiosk {
  csrPem: string;
  days?: number;
  /** The store chain (store_chains), which must exist; a re-enrolment without one keeps the kiosk's chain. */
  chainCode?: string;
  /** The operator who enrolled it from the console (the CLI has none): kept in the history row. */
  staffId?: string;
}

export interface Enrollment {
  kiosk: Kiosk;
  certificatePem: string;
  certificateSha256: string;
  serialNumber: string;
  notAfter: string;
}

export async function enrollKiosk(database: CenterDatabase, ca: KioskCa, input: EnrollInput, now = new Date()): Promise<Enrollment> {
  for (const [field, value] of Object.entries({ printerId: input.printerId, storeCode: input.storeCode })) {
    if (!/^[A-Za-z0-9._-]{1,40}$/.test(value)) throw new MadoguchiError('INPUT_INVALID', `${field}: 1-40 of A-Z a-z 0-9 . _ -`);
  }
  if (input.storeName.trim().length === 0) throw new MadoguchiError('INPUT_INVALID', 'storeName is required');
  const issued = signKioskCsr(ca, input.csrPem, input.terminalId, input.days);
  const kiosk: Kiosk = { terminalId: input.terminalId, printerId: input.printerId, storeCode: input.storeCode, storeName: input.storeName };
  await writeTransaction(database, async (trx) => {
    if (input.chainCode !== undefined) await requireStoreChain(trx, input.chainCode);
    const existing = await trx
      .selectFrom('kiosks')
      .select(['terminal_id', 'revoked_at'])
      .where('terminal_id', '=', kiosk.terminalId)
      .executeTakeFirst();
    if (existing?.revoked_at)
      throw new MadoguchiError('KIOSK_REVOKED', `terminal ${kiosk.terminalId} was revoked; enrol it under a new terminal id`);
    if (existing) {
      await trx
        .updateTable('kiosks')
        .set({
          printer_id: kiosk.printerId,
          store_code: kiosk.storeCode,
          store_name: kiosk.storeName,
          ...(input.chainCode !== undefined ? { chain_code: input.chainCode } : {}),
        })
        .where('terminal_id', '=', kiosk.terminalId)
        .execute();
    } else {
      await trx
        .insertInto('kiosks')
        .values({
          terminal_id: kiosk.terminalId,
          printer_id: kiosk.printerId,
          store_code: kiosk.storeCode,
          store_name: kiosk.storeName,
          enrolled_at: now.toISOString(),
          revoked_at: null,
          chain_code: input.chainCode ?? null,
        })
        .execute();
      await trx.insertInto('issue_sequences').values({ terminal_id: kiosk.terminalId, last_value: 0 }).execute();
    }
    await trx
      .insertInto('kiosk_certificates')
      .values({
        certificate_sha256: issued.sha256,
        terminal_id: kiosk.terminalId,
        serial_number: issued.serialNumber,
        certificate_pem: issued.certificatePem,
        not_after: issued.notAfter,
        issued_at: now.toISOString(),
        revoked_at: null,
      })
      .execute();
    await appendAudit(
      trx,
      database.kind,
      {
        event: 'kiosk_enrolled',
        terminalId: kiosk.terminalId,
        storeCode: kiosk.storeCode,
        detail: {
          certificateSha256: issued.sha256,
          printerId: kiosk.printerId,
          ...(input.chainCode !== undefined ? { chainCode: input.chainCode } : {}),
          ...(input.staffId !== undefined ? { staffId: input.staffId } : {}),
        },
      },
      now,
    );
  });
  return {
    kiosk,
    certificatePem: issued.certificatePem,
    certificateSha256: issued.sha256,
    serialNumber: issued.serialNumber,
    notAfter: issued.notAfter,
  };
}

/** Revokes a whole kiosk (every certificate it holds). Returns false when it was unknown. */
export async function revokeKiosk(database: CenterDatabase, terminalId: string, now = new Date(), staffId?: string): Promise<boolean> {
  return writeTransaction(database, async (trx) => {
    const result = await trx
      .updateTable('kiosks')
      .set({ revoked_at: now.toISOString() })
      .where('terminal_id', '=', terminalId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await trx
      .updateTable('kiosk_certificates')
      .set({ revoked_at: now.toISOString() })
      .where('terminal_id', '=', terminalId)
      .where('revoked_at', 'is', null)
      .execute();
    await appendAudit(trx, database.kind, { event: 'kiosk_revoked', terminalId, ...(staffId ? { detail: { staffId } } : {}) }, now);
    return true;
  });
}

/**
 * The lookup's statement, compiled once per database (db/database.ts preparedStatement): the kiosk guard runs it at
 * every kiosk request, and building and compiling it anew cost the serving thread more than sending it. Only its one
 * parameter, the fingerprint, changes; the row is read every time.
 */
const kioskLookup = preparedStatement(['certificateSha256'], (db, { certificateSha256 }: { certificateSha256: string }) =>
  db
    .selectFrom('kiosk_certificates as c')
    .innerJoin('kiosks as k', 'k.terminal_id', 'c.terminal_id')
    .select([
      'k.terminal_id',
      'k.printer_id',
      'k.store_code',
      'k.store_name',
      'k.chain_code',
      'k.revoked_at as kiosk_revoked_at',
      'c.revoked_at as certificate_revoked_at',
    ])
    .where('c.certificate_sha256', '=', certificateSha256),
);

/**
 * The enrolled, non-revoked kiosk holding the certificate with this fingerprint, or a refusal. Read
 * from the database at every call, never cached: a kiosk revoked through any center process is
 * refused at its next request to every one of them.
 */
export async function kioskByCertificate(database: CenterDatabase, certificateSha256: string): Promise<Kiosk> {
  const { rows } = await kioskLookup(database.db, { certificateSha256 });
  const row = rows[0];
  if (!row) throw new MadoguchiError('KIOSK_UNKNOWN', `no kiosk holds certificate ${certificateSha256.slice(0, 16)}…`);
  if (row.kiosk_revoked_at || row.certificate_revoked_at) throw new MadoguchiError('KIOSK_REVOKED', `terminal ${row.terminal_id}`);
  return {
    terminalId: row.terminal_id,
    printerId: row.printer_id,
    storeCode: row.store_code,
    storeName: row.store_name,
    chainCode: row.chain_code,
  };
}

export async function listKiosks(
  database: CenterDatabase,
): Promise<(Kiosk & { chainCode: string | null; enrolledAt: string; revokedAt: string | null })[]> {
  const rows = await database.db.selectFrom('kiosks').selectAll().orderBy('terminal_id').execute();
  return rows.map((r) => ({
    terminalId: r.terminal_id,
    printerId: r.printer_id,
    storeCode: r.store_code,
    storeName: r.store_name,
    chainCode: r.chain_code,
    enrolledAt: r.enrolled_at,
    revokedAt: r.revoked_at,
  }));
}
