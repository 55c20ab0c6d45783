/**
 * Writes docs/renders/<type>.png: page 1 of every certificate type (and the last page of the
 * multi-page ones, where the 認証文 and seal are), rendered from the demo world and rasterised
 * with pdftoppm, for people to look at.
 *
 *   pnpm exec tsx test/rendering/write-renders.ts
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FontSet, renderDocument, createVerificationSigner } from '@madoguchi/center/rendering';
import { everyTemplate } from './fixtures.js';

const out = join(import.meta.dirname, '../../docs/renders');
mkdirSync(out, { recursive: true });
const env = { fonts: new FontSet(), signer: createVerificationSigner(generateKeyPairSync('ed25519').privateKey, 'docs') };
const tmp = mkdtempSync(join(tmpdir(), 'madoguchi-renders-'));
try {
  for (const c of everyTemplate()) {
    const doc = await renderDocument(c.input, env);
    const pdf = join(tmp, `${c.name}.pdf`);
    writeFileSync(pdf, doc.pdf);
    const pages = doc.pageCount > 1 ? [1, doc.pageCount] : [1];
    for (const p of pages) {
      const suffix = doc.pageCount > 1 ? `-page${p}of${doc.pageCount}` : '';
      const prefix = join(tmp, `${c.name}${suffix}`);
      execFileSync('pdftoppm', ['-r', '80', '-gray', '-png', '-singlefile', '-f', String(p), '-l', String(p), pdf, prefix]);
      renameSync(`${prefix}.png`, join(out, `${c.name}${suffix}.png`));
    }
    console.log(`${c.name}: ${doc.pageCount} page(s)`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
