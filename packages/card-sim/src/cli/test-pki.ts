#!/usr/bin/env -S pnpm exec tsx
/**
 * Operator CLI for the test PKI (NOT J-LIS) and the virtual cards:
 *   init <dir>                          create the CA generations and empty CRLs
 *   issue <dir> --birth-date YYYY-MM-DD [--issued-on YYYY-MM-DD (default: today in Japan)]
 *         [--generation current|previous|unknown] --out <card dir>
 *   revoke <dir> <serialHex> [--cert <file>] [--generation current|previous]
 *                                       add to the issuing generation's CRL and re-sign them
 *   crl <dir>                           re-sign the CRLs (they are valid 7 days)
 *   demo-cards <stateDir> [--residents file.json]   one card per demo resident + edge cards
 *   list <stateDir>                     the demo cards (cardId, resident, serial, label)
 *   serve-vpcd <stateDir> [--card <cardId>] [--port 35963]
 *                                       put a demo card into a vpcd reader; commands on stdin:
 *                                       "insert <cardId> [moreDataForever|silent]" (a faulty card,
 *                                       card-faults.ts), "insert <cardId> phone=<confirm|decline|never>:<ms>"
 *                                       (what an iPhone's holder does on the phone, and after how long),
 *                                       "remove", "remove-on-sign", "hold-on-sign"
 *                                       (prints "event sign-held" when the next signature is held),
 *                                       "lift-after <INS hex> <nth> <awayMs> [<cardId>]" (leaves the
 *                                       reader after answering that command, comes back — or that
 *                                       card comes instead), "reset-after <INS hex> <nth>",
 *                                       "commands" (answers "ok commands <JSON>": the headers each
 *                                       card received since the last "commands"), "exit"
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError, Option } from 'commander';
import { isCardFault, type CardFault } from '../card-faults.js';
import type { PhoneConfirmation } from '../jpki-applet.js';
import { createVpcdCardServer, type CommandMatch } from '../vpcd-card-server.js';
import { ensureDemoCards, listDemoCards, openDemoCard, demoPkiDir, type DemoResident } from '../demo-cards.js';
import {
  CA_GENERATIONS,
  TRUSTED_GENERATIONS,
  createTestPki,
  fifthBirthdayAfter,
  generateCrl,
  isCalendarDay,
  issueCardCertificate,
  japanDate,
  loadTestPki,
  revoke,
  type CaGeneration,
} from '../test-pki.js';
import { fromPem, toPem } from '../x509.js';

const calendarDay = (value: string): string => {
  if (!isCalendarDay(value)) throw new InvalidArgumentError('expected a date YYYY-MM-DD');
  return value;
};

const program = new Command('madoguchi-test-pki').description(
  'Test PKI and virtual My Number cards (NOT J-LIS; for tests and the demo only)',
);

program
  .command('init')
  .description('create the CA generations (current, previous, impostor) and empty CRLs')
  .argument('<dir>')
  .action(async (dir: string) => {
    const pki = await createTestPki(dir);
    console.log(
      `test PKI ready in ${dir}\n  trusted CAs: ${pki.paths.trustedCasPem}\n  CRLs: ${pki.paths.crlsPem}\n  issuer: ${pki.issuer}`,
    );
  });

program
  .command('issue')
  .description('issue one card certificate and key')
  .argument('<dir>')
  .requiredOption('--birth-date <date>', 'holder birth date YYYY-MM-DD (validity ends on the 5th birthday after issue)', calendarDay)
  .option('--issued-on <date>', 'issue date YYYY-MM-DD (default: today in Japan)', calendarDay, japanDate())
  .addOption(new Option('--generation <generation>', 'CA generation that signs it').choices(CA_GENERATIONS).default('current'))
  .requiredOption('--out <dir>', 'where to write auth-cert.der/.pem and auth-key.pem')
  .action(async (dir: string, opts: { birthDate: string; issuedOn: string; generation: CaGeneration; out: string }) => {
    const pki = loadTestPki(dir);
    const issued = await issueCardCertificate(pki, {
      generation: opts.generation,
      notBefore: new Date(`${opts.issuedOn}T00:00:00+09:00`),
      notAfter: fifthBirthdayAfter(opts.issuedOn, opts.birthDate),
    });
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, 'auth-cert.der'), issued.certificateDer);
    writeFileSync(join(opts.out, 'auth-cert.pem'), toPem('CERTIFICATE', issued.certificateDer));
    writeFileSync(join(opts.out, 'auth-key.pem'), issued.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    console.log(JSON.stringify({ serialNumber: issued.serialNumber, cardToken: issued.cardToken, issuer: pki.issuer }));
  });

program
  .command('revoke')
  .description(
    'revoke a certificate by serial and re-sign the CRLs; the issuing generation comes from the certificate or the issuance record',
  )
  .argument('<dir>')
  .argument('<serial>')
  .option('--cert <file>', 'the certificate (DER or PEM): its issuing generation is found by signature')
  .addOption(
    new Option('--generation <generation>', 'issuing generation, for a certificate this PKI has no record of').choices(TRUSTED_GENERATIONS),
  )
  .action((dir: string, serial: string, opts: { cert?: string; generation?: CaGeneration }) => {
    const certificateDer = opts.cert ? readCertificate(opts.cert) : undefined;
    try {
      revoke(loadTestPki(dir), serial, {
        ...(opts.generation ? { generation: opts.generation } : {}),
        ...(certificateDer ? { certificateDer } : {}),
      });
    } catch (error) {
      program.error(`revoke: ${(error as Error).message}`);
    }
    console.log(`revoked ${serial.toUpperCase()}; CRLs re-signed`);
  });

function readCertificate(file: string): Uint8Array {
  const bytes = readFileSync(file);
  return bytes.subarray(0, 11).toString('latin1') === '-----BEGIN ' ? fromPem(bytes.toString('utf8')) : new Uint8Array(bytes);
}

program
  .command('crl')
  .description('re-sign the CRLs (valid 7 days)')
  .argument('<dir>')
  .action((dir: string) => {
    const pki = loadTestPki(dir);
    generateCrl(pki);
    console.log(`CRLs re-signed: ${pki.paths.crlsPem}`);
  });

program
  .command('demo-cards')
  .description('one virtual card per demo resident plus edge cards (idempotent)')
  .argument('<stateDir>')
  .option('--residents <file>', 'JSON array of { residentId, birthDate }; default: the shared demo data')
  .action(async (stateDir: string, opts: { residents?: string }) => {
    const residents = opts.residents ? (JSON.parse(readFileSync(opts.residents, 'utf8')) as DemoResident[]) : await demoResidents();
    const started = Date.now();
    const cards = await ensureDemoCards(stateDir, residents);
    console.log(`${cards.length} cards in ${stateDir} (${Date.now() - started} ms); PKI in ${demoPkiDir(stateDir)}`);
  });

program
  .command('list')
  .description('list the demo cards')
  .argument('<stateDir>')
  .action((stateDir: string) => {
    for (const c of listDemoCards(stateDir)) console.log([c.cardId, c.residentId, c.serialNumber, c.tokenType, c.label].join('\t'));
  });

program
  .command('serve-vpcd')
  .description('put demo cards into a vsmartcard-vpcd reader; commands on stdin')
  .argument('<stateDir>')
  .option('--card <cardId>', 'card to insert at start')
  .option('--port <port>', 'vpcd port (35963 = "Virtual PCD 00 00")', '35963')
  .action(async (stateDir: string, opts: { card?: string; port: string }) => {
    const server = createVpcdCardServer({ port: Number(opts.port) });
    // One line per command in, one "ok …" / "error …" line out: the test rig drives it this way.
    const reply = (line: string) => process.stdout.write(`${line}\n`);
    if (opts.card) await server.insert(openDemoCard(stateDir, opts.card), { name: opts.card });
    reply('ready');
    for await (const line of createInterface({ input: process.stdin })) {
      const [command, argument, option, ...rest] = line.trim().split(/\s+/);
      try {
        if (command === 'insert' && argument)
          await server.insert(openDemoCard(stateDir, argument, phoneOption(option)), { ...faultOption(option), name: argument });
        else if (command === 'remove') await server.remove();
        else if (command === 'lift-after' && argument && option && rest[0]) {
          const replacement = rest[1] ? { card: openDemoCard(stateDir, rest[1]), name: rest[1] } : undefined;
          server.liftAfter(commandMatch(argument, option), { awayMs: count(rest[0]), ...(replacement ? { replacement } : {}) });
        } else if (command === 'reset-after' && argument && option) server.resetAfter(commandMatch(argument, option));
        else if (command === 'commands') {
          reply(`ok commands ${JSON.stringify(server.takeCommandLog())}`);
          continue;
        } else if (command === 'remove-on-sign') server.removeOnNextSignature();
        // Asynchronous notice, not a command reply: "event …" lines come whenever they happen.
        else if (command === 'hold-on-sign') server.holdOnNextSignature(() => reply('event sign-held'));
        else if (command === 'exit') break;
        else throw new Error(`unknown command ${command}`);
        reply(`ok ${command}`);
      } catch (error) {
        reply(`error ${(error as Error).message}`);
      }
    }
    await server.remove();
    process.exit(0);
  });

function count(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`not a count: ${text}`);
  return value;
}

function commandMatch(ins: string, nth: string): CommandMatch {
  if (!/^[0-9A-Fa-f]{2}$/.test(ins)) throw new Error(`not an instruction byte: ${ins}`);
  return { ins: Number.parseInt(ins, 16), nth: Math.max(1, count(nth)) };
}

function phoneOption(option: string | undefined): { phone?: PhoneConfirmation } {
  if (!option?.startsWith('phone=')) return {};
  const [answer, afterMs] = option.slice('phone='.length).split(':');
  if (answer !== 'confirm' && answer !== 'decline' && answer !== 'never') throw new Error(`unknown phone answer ${answer}`);
  return { phone: { answer, afterMs: count(afterMs ?? '0') } };
}

function faultOption(option: string | undefined): { fault?: CardFault } {
  if (option === undefined || option.startsWith('phone=')) return {};
  if (!isCardFault(option)) throw new Error(`unknown card fault ${option}`);
  return { fault: option };
}

async function demoResidents(): Promise<DemoResident[]> {
  const { generateDemoData } = await import('@madoguchi/shared/demo-data');
  return generateDemoData().batch.residents.map((r) => ({ residentId: r.residentId, birthDate: r.birthDate }));
}

await program.parseAsync();
