/**
 * Every document the code cites must be one a clone of the repository can open (issue 10, item 7).
 * Citations take one form, `docs/<file>.md#<anchor>`: the file must exist and hold the anchor (a
 * heading's slug or an explicit `<a id>`). Documents that only ever lived outside the repository (the
 * shared domain and engineering notes) and bare document names without `docs/` are reported, as are
 * relative Markdown links to `.md` files that do not resolve.
 *
 * Scans what git would commit (tracked files plus new, unignored ones), so a new file is checked
 * before it is added. Failures list `file:line: problem`, one per line.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const self = relative(root, import.meta.filename);
const scanned = /\.(ts|tsx|js|mjs|cjs|md|sh|ya?ml)$/;

/** Documents that were never in the repository, and where what the code took from them lives now. */
const retired: Record<string, string> = {
  'konbini-issuance.md': 'docs/service-rules.md#<anchor>',
  'certificates.md': 'docs/certificate-contents.md#<anchor>',
  'stack.md': 'docs/electron-shell-security.md#checklist, or say it in the comment',
  'style.md': 'ARCHITECTURE.md#glossary',
};
/** Paths of the shared notes those documents came from, in every spelling seen. */
const outsidePath = /(\.\.\/)+shared\/|\/work\/shared|\bshared\/(domain|engineering)\//;

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2. */
export function headingSlugs(headings: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return headings.map((heading) => {
    const base = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}-${count}`;
  });
}

/** Every anchor a Markdown text offers: heading slugs (outside code fences) and explicit ids. */
export function anchorsOf(markdown: string): Set<string> {
  const headings: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) headings.push(heading[1]!);
  }
  const ids = [...markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)].map((m) => m[1]!);
  return new Set([...headingSlugs(headings), ...ids]);
}

/** The repository as the checker sees it: its documents, which files exist, a Markdown file's anchors. */
export interface Repository {
  /** File names in docs/ (`misissuance.md`, …). */
  documents: readonly string[];
  exists(path: string): boolean;
  anchors(path: string): Set<string>;
}

/** What is wrong with the citations in one file's text, as `file:line: problem`. */
export function citationProblems(path: string, text: string, repo: Repository): string[] {
  const problems: string[] = [];
  const docNames = new Set([...Object.keys(retired), ...repo.documents]);
  const markdown = path.endsWith('.md');
  text.split('\n').forEach((original, index) => {
    const at = `${path}:${index + 1}`;
    let line = original;
    if (outsidePath.test(line))
      problems.push(`${at}: cites a file outside the repository (${outsidePath.exec(line)![0]}); cite docs/<file>.md#<anchor>`);
    if (markdown) {
      // A Markdown link is resolved from the file it is in, as a reader's viewer does.
      line = line.replace(/\]\(([^()\s]+)\)/g, (whole, target: string) => {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('/')) return '](…)';
        const [file, anchor] = target.split('#') as [string, string | undefined];
        if (!file.endsWith('.md')) return '](…)';
        const resolved = normalize(join(dirname(path), file));
        problems.push(...targetProblems(at, resolved, anchor, repo, `link ${target}`));
        return '](…)';
      });
    }
    for (const m of line.matchAll(/(?<![\w.-])docs\/([\w./-]+?\.md)(?:#([\w-]+)(?![\w<-]))?/g)) {
      problems.push(...targetProblems(at, `docs/${m[1]!}`, m[2], repo, m[0]));
    }
    for (const m of line.matchAll(/(?<![\w-])[\w-]+\.md(?![\w-])/g)) {
      if (!docNames.has(m[0])) continue;
      const before = line.slice(0, m.index);
      if (before.endsWith('docs/')) continue;
      problems.push(`${at}: bare ${m[0]}; cite ${retired[m[0]] ?? `docs/${m[0]}#<anchor>`}`);
    }
  });
  return problems;
}

function targetProblems(at: string, file: string, anchor: string | undefined, repo: Repository, cited: string): string[] {
  if (!repo.exists(file)) return [`${at}: ${cited}: no such file ${file}`];
  if (anchor !== undefined && !repo.anchors(file).has(anchor)) return [`${at}: ${cited}: ${file} has no anchor #${anchor}`];
  return [];
}

const anchorCache = new Map<string, Set<string>>();
const onDisk: Repository = {
  documents: readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')),
  exists: (path) => existsSync(join(root, path)),
  anchors(path) {
    let anchors = anchorCache.get(path);
    if (!anchors) anchorCache.set(path, (anchors = anchorsOf(readFileSync(join(root, path), 'utf8'))));
    return anchors;
  },
};

function filesGitWouldCommit(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
  return out.split('\0').filter((path) => scanned.test(path) && path !== self && existsSync(join(root, path)));
}

describe('citations', () => {
  describe('the checker', () => {
    const docs: Record<string, string> = {
      'docs/misissuance.md': '# Misissuance\n\n### yokohama\n\n- <a id="r5"></a>R5\n',
      'ARCHITECTURE.md': '# Architecture\n\n## Where code runs\n\n```\n# not a heading\n```\n',
    };
    const repo: Repository = {
      documents: ['misissuance.md', 'jpki-card.md'],
      exists: (path) => path in docs,
      anchors: (path) => anchorsOf(docs[path] ?? ''),
    };
    const check = (path: string, text: string) => citationProblems(path, text, repo);

    it('accepts docs/<file>.md#<anchor> for a heading slug or an explicit id', () => {
      expect(check('apps/x.ts', '// docs/misissuance.md#yokohama and docs/misissuance.md#r5\n')).toEqual([]);
      expect(check('README.md', 'see [the table](ARCHITECTURE.md#where-code-runs)\n')).toEqual([]);
      expect(check('docs/y.md', 'see [R5](misissuance.md#r5) and [up](../ARCHITECTURE.md#architecture)\n')).toEqual([]);
    });

    it('reports paths outside the repository, bare names, missing files and missing anchors, by line', () => {
      expect(check('apps/x.ts', 'a\n// ../shared/domain/jpki-card.md\n')).toEqual([
        expect.stringMatching(/^apps\/x\.ts:2: cites a file outside the repository/),
        expect.stringMatching(/^apps\/x\.ts:2: bare jpki-card\.md/),
      ]);
      expect(check('apps/x.ts', '// (misissuance.md req. 5) and konbini-issuance.md\n')).toEqual([
        expect.stringMatching(/^apps\/x\.ts:1: bare misissuance\.md/),
        expect.stringMatching(/^apps\/x\.ts:1: bare konbini-issuance\.md/),
      ]);
      expect(check('apps/x.ts', '// shared/engineering/stack.md\n')).toEqual([
        expect.stringMatching(/outside the repository/),
        expect.stringMatching(/bare stack\.md/),
      ]);
      expect(check('apps/x.ts', '// docs/misissuance.md#r9\n')).toEqual([expect.stringMatching(/^apps\/x\.ts:1: .*has no anchor #r9$/)]);
      expect(check('apps/x.ts', '// docs/konbini-issuance.md#hours\n')).toEqual([
        expect.stringMatching(/no such file docs\/konbini-issuance\.md/),
      ]);
      expect(check('ARCHITECTURE.md', '[x](docs/misissuance.md#nowhere)\n')).toEqual([expect.stringMatching(/has no anchor #nowhere/)]);
      expect(check('ARCHITECTURE.md', '[x](ARCHITECTURE.md#not-a-heading)\n')).toEqual([expect.stringMatching(/has no anchor/)]);
    });

    it('slugs headings as GitHub does, repeats numbered', () => {
      expect(headingSlugs(['Where code runs', 'One issuance', 'A printed certificate’s authenticity', 'Hours', 'Hours'])).toEqual([
        'where-code-runs',
        'one-issuance',
        'a-printed-certificates-authenticity',
        'hours',
        'hours-1',
      ]);
    });
  });

  it('every citation in the repository names a file in it, in the form docs/<file>.md#<anchor>', () => {
    const problems = filesGitWouldCommit().flatMap((path) => citationProblems(path, readFileSync(join(root, path), 'utf8'), onDisk));
    expect(problems.length, `citations to fix:\n${problems.join('\n')}\n`).toBe(0);
  });
});
