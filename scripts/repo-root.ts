import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: the demo's processes run from it and its state lives under it (.var). */
export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
