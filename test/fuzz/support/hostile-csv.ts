/**
 * Municipal-data CSV files that break things, shared by the import fuzz targets: a real file's header
 * and a few rows, cells replaced with hostile ones, columns added or dropped, quoting broken, a BOM,
 * any newline, the header left out.
 */
import fc from 'fast-check';
import { hostileString } from './hostile-inputs.js';

const hostileCell = fc.oneof(
  hostileString,
  fc.constantFrom('"unterminated', 'a"b', '"a""b"', '"a"b', '\n', '"x\ny"', ',,,,', ' ', '=1+1', '\uFEFF'),
);

/** One file of `csvFiles` (name → text, e.g. batchToCsv of the demo's batch), spoilt. */
export function hostileCsvFile(csvFiles: Record<string, string>): fc.Arbitrary<{ name: string; text: string }> {
  return fc
    .record({
      name: fc.constantFrom(...Object.keys(csvFiles)),
      rows: fc.integer({ min: 0, max: 4 }),
      edits: fc.array(fc.record({ row: fc.nat(), column: fc.nat(), cell: hostileCell, op: fc.constantFrom('replace', 'insert', 'drop') }), {
        maxLength: 5,
      }),
      bom: fc.boolean(),
      newline: fc.constantFrom('\n', '\r\n', '\r'),
      noHeader: fc.boolean(),
    })
    .map(({ name, rows, edits, bom, newline, noHeader }) => {
      const lines = csvFiles[name]!.split(/\r?\n/).filter((l) => l.length > 0);
      const table = [lines[0]!, ...lines.slice(1, 1 + rows)].map((l) => l.split(','));
      for (const e of edits) {
        const row = table[e.row % table.length]!;
        const at = e.column % (row.length + 1);
        if (e.op === 'replace') row[at] = e.cell;
        else if (e.op === 'insert') row.splice(at, 0, e.cell);
        else row.splice(at, 1);
      }
      const text = (noHeader ? table.slice(1) : table).map((r) => r.join(',')).join(newline);
      return { name, text: `${bom ? '\uFEFF' : ''}${text}${newline}` };
    });
}
