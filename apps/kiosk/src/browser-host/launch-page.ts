/**
 * How Chromium gets the bridge token without it appearing anywhere other local users can read.
 * A process's command line is world-readable (/proc/<pid>/cmdline), and a supervisor's log of
 * stdout usually is too, so the kiosk URL with its `?token=` goes into neither. Instead the host
 * writes a one-line launch page into a fresh 0700 directory (the file itself 0600) and starts
 * Chromium on that page's file:// URL; the page forwards to the kiosk with the token. Only the
 * kiosk's own user can read it, and that user can read the host's memory anyway. Simpler than a
 * one-time code exchanged for a cookie (no new auth path in the bridge) and, unlike an inherited
 * pipe or environment variable, something Chromium can actually open.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface LaunchPage {
  /** A file:// URL that names no secret: safe on a command line. */
  fileUrl: string;
  remove(): Promise<void>;
}

export async function writeLaunchPage(kioskUrl: string, parent: string = tmpdir()): Promise<LaunchPage> {
  const url = new URL(kioskUrl);
  if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1') throw new Error('the kiosk is served from http://127.0.0.1 only');
  const dir = await mkdtemp(join(parent, 'madoguchi-kiosk-launch-')); // 0700
  const file = join(dir, 'launch.html');
  // No script: a meta refresh is enough, and the URL is ours (escaped for the attribute anyway).
  const target = url.href.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  await writeFile(
    file,
    `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=${target}"><title>kiosk</title>\n`,
    { mode: 0o600, flag: 'wx' },
  );
  return { fileUrl: pathToFileURL(file).href, remove: () => rm(dir, { recursive: true, force: true }) };
}
