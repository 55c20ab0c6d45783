/** Issue paths as staff read them in an import report: `residents[12].birthDate`. */
export type PathSegment = string | number | symbol;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out.length === 0 ? String(s) : `.${String(s)}`;
  }
  return out;
}

export interface ImportIssue {
  path: string;
  message: string;
}
