import { MadoguchiError } from '@madoguchi/shared';
import type { CenterDatabase } from '../db/database.js';
import type { ImportReport } from './import-batch.js';

export async function importCsv(_database: CenterDatabase, _files: Record<string, string>): Promise<ImportReport> {
  throw new MadoguchiError('INPUT_INVALID', 'CSV import is not available yet');
}
