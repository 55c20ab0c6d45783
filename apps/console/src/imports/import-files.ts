/**
 * Turns the files a clerk picked into the import request's content. Files are read as UTF-8
 * strictly: a Shift_JIS export (common from older municipal systems) is stopped here with a clear
 * message instead of reaching the center as replacement characters. A byte-order mark is kept, so
 * the center's own check reports it on the row it belongs to.
 */
export type ImportFileProblem =
  | { kind: 'noFiles' }
  | { kind: 'notUtf8'; file: string }
  | { kind: 'badJson'; file: string }
  | { kind: 'mixedFormats' }
  | { kind: 'oneJsonFile' }
  | { kind: 'unknownExtension'; file: string };

export type ImportContent = { format: 'json'; batch: unknown } | { format: 'csv'; files: Record<string, string> };

export interface PickedFile {
  name: string;
  bytes: Uint8Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function extension(name: string): 'json' | 'csv' | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.csv')) return 'csv';
  return null;
}

function decode(file: PickedFile): string | null {
  try {
    return utf8.decode(file.bytes);
  } catch {
    return null;
  }
}

export function importContent(files: readonly PickedFile[]): ImportContent | ImportFileProblem {
  if (files.length === 0) return { kind: 'noFiles' };
  const kinds = new Set<string>();
  for (const file of files) {
    const kind = extension(file.name);
    if (!kind) return { kind: 'unknownExtension', file: file.name };
    kinds.add(kind);
  }
  if (kinds.size > 1) return { kind: 'mixedFormats' };
  const texts: [string, string][] = [];
  for (const file of files) {
    const text = decode(file);
    if (text === null) return { kind: 'notUtf8', file: file.name };
    texts.push([file.name, text]);
  }
  if (kinds.has('json')) {
    if (texts.length !== 1) return { kind: 'oneJsonFile' };
    const [name, text] = texts[0]!;
    try {
      return { format: 'json', batch: JSON.parse(text.replace(/^\uFEFF/, '')) };
    } catch {
      return { kind: 'badJson', file: name };
    }
  }
  return { format: 'csv', files: Object.fromEntries(texts) };
}

export const isImportProblem = (value: ImportContent | ImportFileProblem): value is ImportFileProblem => 'kind' in value;
