/**
 * The demo's prepared world, made once per Playwright run and copied into each spec file's state
 * directory. Preparing a fresh directory (the virtual cards, the migrated and imported database, the
 * enrolled kiosk, the staff accounts) costs seconds of CPU, and the months of history about 30 s; on a
 * copy, startDemoSystem's own preparation finds everything in place (scripts/demo-world.ts is
 * idempotent) and takes about a second. The copies are made before any process of the spec's system
 * starts, and the template is never used by a center or a kiosk, so a spec still starts from a state
 * nothing else has touched: no application, PIN try or print of another file or a previous run.
 * The first worker to need a template makes it; another one that needs it meanwhile waits for it.
 */
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { prepareDemo } from '../../scripts/demo-world.js';
import { repoRoot } from '../../scripts/system.js';

/** With the demo's months of history (the start command's world) or without (the kiosk walks' and most console specs'). */
export type StateTemplate = 'history' | 'no-history';
const templates: readonly StateTemplate[] = ['history', 'no-history'];

const templateDir = (template: StateTemplate) => join(repoRoot, '.var', `e2e-template-${template}`);
const lockDir = (template: StateTemplate) => `${templateDir(template)}.lock`;
/** A worker that waited this long for another's template gives up (a template takes under a minute on a loaded machine). */
const WAIT_MS = 10 * 60_000;

/** Playwright globalSetup (playwright.config.ts): nothing a previous run prepared is copied in this one. */
export default function removeStateTemplates(): void {
  for (const template of templates) {
    for (const dir of [templateDir(template), lockDir(template), `${templateDir(template)}.building`])
      rmSync(dir, { recursive: true, force: true });
  }
}

/** `stateDir` emptied, then a copy of this run's template (made first if no worker has made it yet). */
export async function freshStateDir(stateDir: string, template: StateTemplate, log: (line: string) => void): Promise<void> {
  rmSync(stateDir, { recursive: true, force: true });
  await ensureTemplate(template, log);
  cpSync(templateDir(template), stateDir, { recursive: true });
}

async function ensureTemplate(template: StateTemplate, log: (line: string) => void): Promise<void> {
  const dir = templateDir(template);
  const deadline = Date.now() + WAIT_MS;
  while (!existsSync(dir)) {
    try {
      // mkdir is atomic: one worker holds the lock; a failed build lets it go for another to try.
      mkdirSync(lockDir(template));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline) throw new Error(`the ${template} state template was not made within ${WAIT_MS / 1000} s`);
      await sleep(250);
      continue;
    }
    try {
      if (existsSync(dir)) return;
      const building = `${dir}.building`;
      rmSync(building, { recursive: true, force: true });
      await prepareDemo(building, log, template === 'history' ? {} : { history: false });
      // Whole or not at all: a waiting worker copies only a finished template.
      renameSync(building, dir);
    } finally {
      rmSync(lockDir(template), { recursive: true, force: true });
    }
  }
}
