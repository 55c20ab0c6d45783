/**
 * The independent check of every document a load run's kiosks printed: its text as poppler's
 * `pdftotext` reads it (not pdf.js, not the kiosk's last-hop checker, not the center's database),
 * compared with the GENERATOR's record of the resident whose card the kiosk used. A document
 * passes when
 *   - every page carries one issue number of this document, from the kiosk that printed it, with
 *     its own n/N, pages 1..N in order (docs/misissuance.md#tokushima);
 *   - it carries the resident's identifying items for its type: name, date of birth, address (or
 *     本籍 for 戸籍), the seal's registration number (docs/misissuance.md#yokohama, #kawasaki);
 *   - no other resident's name appears next to their date of birth, unless the document may show
 *     them (the household of a 住民票, the persons of a 戸籍);
 *   - when the resident's record changed during the run (a move, a cancelled seal), it shows one
 *     version of the record wholly, and the new one if its issuance was confirmed after the change
 *     (docs/misissuance.md#r5).
 * Findings carry ids and codes only, never a name or an address.
 *
 * PDFs are checked in batches: pdfunite joins up to 64 files and one pdftotext reads them, pages
 * split at form feeds and grouped by their issue numbers' n/N (one process per file cost ~100 ms
 * each on the loaded 2-core machine).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { formatEraDate, type CertificateType, type Resident } from '@madoguchi/shared';
import type { DemoData } from '@madoguchi/shared/demo-data';

const run = promisify(execFile);
const BATCH = 64;

export interface PrintedDocument {
  file: string;
  issuanceId: string;
  copyIndex: number;
  terminalId: string;
  residentId: string;
  certificateType: CertificateType;
  /** When the kiosk confirmed the request (epoch ms): decides which version of a changed record it must show. */
  confirmedAt: number;
}

/** A record changed during the run: `before` until `appliedAt` (epoch ms), `after` once it is done. */
export interface RecordChange {
  residentId: string;
  startedAt: number;
  appliedAt: number;
  /** The facts that must change: each document shows one side wholly, never a mix. */
  before: string[];
  after: string[];
}

export interface DocumentFinding {
  issuanceId: string;
  copyIndex: number;
  terminalId: string;
  reason: string;
}

export class DocumentChecker {
  private readonly residents = new Map<string, Resident>();
  private readonly byBirth = new Map<string, Resident[]>();
  private readonly allowed = new Map<string, Set<string>>();
  // Indexes, not scans of the whole world per document: at 50,000 residents and 20,000 documents a
  // scan per document (households, seals, household members, 戸籍) is billions of comparisons.
  private readonly addressOf = new Map<string, string>();
  private readonly activeSealOf = new Map<string, string>();
  private readonly membersOf = new Map<string, string[]>();
  private readonly registersOf = new Map<string, string[][]>();
  /** Pages of each checked file, as pdftotext counted them. */
  readonly pages = new Map<string, number>();

  constructor(
    demo: DemoData,
    private readonly changes: RecordChange[] = [],
  ) {
    for (const r of demo.batch.residents) {
      this.residents.set(r.residentId, r);
      const printed = birthDateOf(r);
      pushTo(this.byBirth, printed, r);
      pushTo(this.membersOf, r.householdId, r.residentId);
    }
    for (const h of demo.batch.households) this.addressOf.set(h.householdId, h.address);
    for (const s of demo.batch.sealRegistrations) if (s.status === 'active') this.activeSealOf.set(s.residentId, s.registrationNumber);
    for (const reg of demo.batch.familyRegisters) {
      const ids = reg.persons.flatMap((p) => (p.residentId ? [p.residentId] : []));
      for (const id of ids) pushTo(this.registersOf, id, ids);
    }
  }

  /** Checks every document; returns the findings (empty: all passed). */
  async check(
    documents: readonly PrintedDocument[],
    onProgress?: (done: number) => void,
    { concurrency = 2 }: { concurrency?: number } = {},
  ): Promise<DocumentFinding[]> {
    const findings: DocumentFinding[] = [];
    const work = mkdtempSync(join(tmpdir(), 'madoguchi-load-check-'));
    let next = 0;
    let done = 0;
    // Batches side by side: pdfunite and pdftotext are one process each, so one batch at a time used one core.
    const worker = async () => {
      for (let i = next; i < documents.length; i = next) {
        next += BATCH;
        const batch = documents.slice(i, i + BATCH);
        findings.push(...(await this.checkBatch(batch, join(work, `batch-${i}.pdf`))));
        done += batch.length;
        onProgress?.(done);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    return findings;
  }

  private async checkBatch(batch: readonly PrintedDocument[], joined: string): Promise<DocumentFinding[]> {
    const files = batch.map((d) => d.file);
    if (files.length === 1) await run('cp', [files[0]!, joined]);
    else await run('pdfunite', [...files, joined]);
    const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', joined, '-'], { maxBuffer: 256 * 1024 * 1024 });
    // The joined copy is read: dropped at once, or a full run keeps a second copy of every printed PDF until the end.
    rmSync(joined, { force: true });
    const pages = stdout.split('\f');
    if (pages.at(-1)!.trim() === '') pages.pop();
    const findings: DocumentFinding[] = [];
    let at = 0;
    for (const document of batch) {
      const first = issueLine(pages[at] ?? '');
      const count = first?.of ?? 1;
      const own = pages.slice(at, at + count);
      at += count;
      this.pages.set(document.file, own.length);
      const reason = this.checkOne(document, own);
      if (reason)
        findings.push({ issuanceId: document.issuanceId, copyIndex: document.copyIndex, terminalId: document.terminalId, reason });
    }
    if (at !== pages.length)
      findings.push({ issuanceId: '-', copyIndex: 0, terminalId: '-', reason: `batch pages ${pages.length} ≠ ${at}` });
    return findings;
  }

  /** Why the document fails, or undefined when it passes. */
  checkOne(document: PrintedDocument, pages: string[]): string | undefined {
    const lines = pages.map(issueLine);
    const head = lines[0];
    if (!head) return 'page 1 carries no issue number';
    for (const [i, line] of lines.entries()) {
      if (!line || line.base !== head.base || line.page !== i + 1 || line.of !== pages.length) return `page ${i + 1}: issue number or n/N`;
    }
    if (head.terminal !== document.terminalId) return 'issue number names another kiosk';
    const resident = this.residents.get(document.residentId);
    if (!resident) return 'card of an unknown resident';
    const text = compact(pages.join('\n'));
    for (const fact of this.facts(resident, document.certificateType))
      if (!text.includes(fact)) return `missing ${factKind(fact, resident)}`;
    const stranger = this.stranger(resident, text);
    if (stranger) return `shows resident ${stranger}`;
    // A move changes the current address, which only these types print (a 戸籍 shows the 本籍).
    const showsAddress =
      !document.certificateType.startsWith('familyRegister') || document.certificateType === 'familyRegisterAddressHistory';
    for (const change of this.changes.filter((c) => showsAddress && c.residentId === resident.residentId)) {
      const before = change.before.every((f) => text.includes(compact(f)));
      const after = change.after.every((f) => text.includes(compact(f)));
      if (before === after) return 'changed record: neither version wholly (or both)';
      if (document.confirmedAt > change.appliedAt && !after) return 'changed record: the old version after the change';
    }
    return undefined;
  }

  /** What the document must carry for its resident, compacted. */
  private facts(r: Resident, type: CertificateType): string[] {
    const birth = birthDateOf(r);
    const householdAddress = this.addressOf.get(r.householdId);
    const moved = this.changes.some((c) => c.residentId === r.residentId);
    // A changed address is checked by the change's own versions, not by the generator's.
    const address = householdAddress !== undefined && !moved ? [householdAddress] : [];
    switch (type) {
      case 'familyRegisterFull':
      case 'familyRegisterIndividual':
        return [r.domicile?.address ?? '(no 本籍)', r.name.given, birth].map(compact);
      case 'familyRegisterAddressHistory':
        return [r.domicile?.address ?? '(no 本籍)', r.name.family + r.name.given, birth].map(compact);
      case 'sealCertificate': {
        return [r.name.family + r.name.given, birth, ...address, this.activeSealOf.get(r.residentId) ?? '(no seal)'].map(compact);
      }
      default:
        return [r.name.family + r.name.given, birth, ...address].map(compact);
    }
  }

  /** A resident the document may not show, found by a date of birth on it and their name next to it. */
  private stranger(r: Resident, text: string): string | undefined {
    const allowed = this.allowedFor(r);
    for (const date of new Set(text.match(/(?:明治|大正|昭和|平成|令和|(?<!\d)\d{4})(?:元|\d+)?年\d+月\d+日/g) ?? [])) {
      for (const other of this.byBirth.get(date) ?? []) {
        if (allowed.has(other.residentId)) continue;
        // Someone of the same name born the same day as a person the document may show is not told apart by text
        // (two pairs in the 50,000-resident world); the resident's own address and items still are.
        if (this.twinOfAllowed(other, allowed)) continue;
        if (nameBeside(text, compact(other.name.family + other.name.given), date)) return other.residentId;
      }
    }
    return undefined;
  }

  private twinOfAllowed(other: Resident, allowed: ReadonlySet<string>): boolean {
    const key = compact(other.name.family + other.name.given);
    return (this.byBirth.get(birthDateOf(other)) ?? []).some(
      (r) => r !== other && allowed.has(r.residentId) && compact(r.name.family + r.name.given) === key,
    );
  }

  /** The resident, their household, and everyone on their 戸籍: the people their documents may name. */
  private allowedFor(r: Resident): Set<string> {
    let set = this.allowed.get(r.residentId);
    if (set) return set;
    set = new Set([r.residentId, ...(this.membersOf.get(r.householdId) ?? [])]);
    for (const persons of this.registersOf.get(r.residentId) ?? []) for (const id of persons) set.add(id);
    this.allowed.set(r.residentId, set);
    return set;
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Whitespace of any width removed, and IVS selectors (a font may print 葛󠄀 as 葛; the text layer may drop them). */
export function compact(s: string): string {
  return s.replace(/[\s\u3000]+/g, '').replace(/[\u{E0100}-\u{E01EF}]/gu, '');
}

/**
 * The name followed closely by the date, as every template prints a person (氏名 … 生年月日, 氏名（…生）).
 * Anywhere in the text was too loose at 50,000 residents: a member's name and another member's date of birth
 * matched a stranger with that name born that day (20 false findings in one 400-issuance run). A date labelled
 * as another event (【改製日】, 【届出日】, 住所を定めた日 …) is nobody's date of birth: the 筆頭者's name followed by
 * the register's 【改製日】 matched a stranger of that name born that day (8 false findings in a 4,000-issuance run).
 */
function nameBeside(text: string, name: string, date: string): boolean {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    const after = text.slice(at + name.length, at + name.length + 24);
    for (let d = after.indexOf(date); d >= 0; d = after.indexOf(date, d + 1)) {
      if (!labelledAsAnotherEvent(text.slice(0, at + name.length + d))) return true;
    }
  }
  return false;
}

/** The labels the templates put before a date that is not a date of birth. */
const EVENT_LABEL = /(?:【(?!生年月日】|出生日】)[^】]*日】|住民となった日|住所を定めた日|届出日|年月日(?<!生年月日))$/;

/** Whether the text just before a date is the label of another event than a birth. */
function labelledAsAnotherEvent(before: string): boolean {
  return EVENT_LABEL.test(before.slice(-16));
}

/** Dates of birth print in 和暦, a foreign resident's in the Western calendar (docs/certificate-contents.md). */
function birthDateOf(r: Resident): string {
  if (!r.foreign) return formatEraDate(r.birthDate);
  const [y, m, d] = r.birthDate.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${d}日`;
}

function factKind(fact: string, r: Resident): string {
  if (fact === compact(birthDateOf(r))) return 'date of birth';
  if (fact.includes(compact(r.name.given)) && fact.length <= compact(r.name.family + r.name.given).length) return 'name';
  return 'address, 本籍 or registration number';
}

/** The issue-number line of a page (at its head or foot, by template): `20261124 横浜市 LOAD-0001 P01 000123 1/2`. */
function issueLine(page: string): { base: string; terminal: string; page: number; of: number } | undefined {
  const match = /^\s*(\d{8}) +(\S+) +(\S+) +(\S+) +(\d+) +(\d+)\/(\d+)\s*$/m.exec(page);
  if (!match) return undefined;
  const [, date, municipality, terminal, printer, sequence, n, of] = match;
  return { base: `${date} ${municipality} ${terminal} ${printer} ${sequence}`, terminal: terminal!, page: Number(n), of: Number(of) };
}
