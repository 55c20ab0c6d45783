/**
 * Offline certificate verification: no network, no database — only the center's public key(s).
 *
 *   tsx apps/center/src/cli/verify-document.ts --key center-2026=public.pem certificate.pdf
 *   tsx apps/center/src/cli/verify-document.ts --key center-2026=public.pem --payload 'MDG1.…'
 *   tsx apps/center/src/cli/verify-document.ts --key center-2026=public.pem --payload 'https://…/verify?p=MDG1.…'
 *
 * `--payload` takes what the QR code holds: the verification URL, or a bare payload.
 *
 * Prints the result as JSON. Exit 0: authentic; 1: not authentic (tampered, unknown key, …) or a
 * file refused unread because no issued document looks like it (`{"authentic":false,"refused":…}`,
 * checked before parsing, as the center's public route does); 2: usage or file error.
 *
 * Verification runs in this process: the file is the operator's own, and the process ends with it.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { MadoguchiError } from '@madoguchi/shared';
import { createDocumentVerifier } from '../rendering/verification/document-verifier.js';
import type { VerificationResult } from '../rendering/verification/signing.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('madoguchi-verify-document')
    .description('Verify a certificate PDF or its QR payload against the center public key(s)')
    .requiredOption('--key <id=pemfile>', 'public key: key id and PEM file (repeatable)', collect, [] as string[])
    .option('--payload <text>', 'verify what a QR code holds (the verification URL or the bare MDG1 payload) instead of a PDF')
    .argument('[pdf]', 'certificate PDF file')
    .exitOverride();
  try {
    program.parse(argv);
  } catch {
    return 2;
  }
  const options = program.opts<{ key: string[]; payload?: string }>();
  const [file] = program.args;
  const keys: Record<string, string> = {};
  try {
    if (options.key.length === 0) throw new Error('give at least one --key id=pemfile');
    for (const spec of options.key) {
      const eq = spec.indexOf('=');
      if (eq <= 0) throw new Error(`--key expects id=pemfile, got ${spec}`);
      keys[spec.slice(0, eq)] = readFileSync(spec.slice(eq + 1), 'utf8');
    }
    if (!options.payload && !file) throw new Error('give a PDF file or --payload');
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const verifier = createDocumentVerifier(keys);
  let result: VerificationResult;
  if (options.payload) result = verifier.verifyPayload(options.payload);
  else {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(file!));
    } catch (error) {
      console.error((error as Error).message);
      return 2;
    }
    try {
      result = await verifier.verifyDocument(bytes);
    } catch (error) {
      if (!(error instanceof MadoguchiError)) throw error;
      console.log(JSON.stringify({ authentic: false, refused: error.code, detail: error.detail }, null, 2));
      return 1;
    }
  }
  console.log(JSON.stringify(result, null, 2));
  return result.authentic ? 0 : 1;
}

process.exitCode = await main(process.argv);
