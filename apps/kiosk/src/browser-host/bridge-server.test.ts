import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_VERSION, KioskIntent, MadoguchiError, type KioskView } from '@madoguchi/shared';
import { ScreenHolds } from '../main/session/screen-holds.js';
import { startBridgeServer, type BridgeServer } from './bridge-server.js';

let view: KioskView = {
  bridgeVersion: BRIDGE_VERSION,
  revision: 1,
  screen: 'idle',
  language: 'ja',
  readerStatus: 'ready',
  cardPresent: false,
};
const listeners = new Set<(v: KioskView) => void>();
const received: unknown[] = [];
const target = {
  getView: () => view,
  onView: (l: (v: KioskView) => void) => (listeners.add(l), () => listeners.delete(l)),
  async send(intent: unknown) {
    if (!KioskIntent.safeParse(intent).success) throw new MadoguchiError('INPUT_INVALID', 'not a kiosk intent');
    received.push(intent);
  },
};

let server: BridgeServer;
let origin: string;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'renderer-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>kiosk</title>');
  server = await startBridgeServer({ target, rendererDir: dir });
  origin = new URL(server.url).origin;
});
afterAll(() => server.close());

const headers = () => ({ 'x-kiosk-token': server.token, 'content-type': 'application/json' });

describe('browser kiosk bridge server', () => {
  it('serves the renderer with a strict CSP', async () => {
    const res = await fetch(`${origin}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<title>kiosk</title>');
  });

  it('refuses paths that climb out of the renderer directory', async () => {
    for (const path of ['/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/a%00.html']) {
      const res = await fetch(`${origin}${path}`);
      expect(res.status, path).toBe(404);
    }
  });

  it('refuses bridge calls without the token', async () => {
    expect((await fetch(`${origin}/bridge/view`)).status).toBe(403);
    expect((await fetch(`${origin}/bridge/view`, { headers: { 'x-kiosk-token': 'x'.repeat(32) } })).status).toBe(403);
    expect((await fetch(`${origin}/bridge/intent`, { method: 'POST', body: '{"type":"start"}' })).status).toBe(403);
    expect(received).toEqual([]);
  });

  it('passes valid intents on and answers bad ones with a code, changing nothing', async () => {
    expect((await fetch(`${origin}/bridge/intent`, { method: 'POST', headers: headers(), body: '{"type":"start"}' })).status).toBe(204);
    const bad = await fetch(`${origin}/bridge/intent`, { method: 'POST', headers: headers(), body: '{"type":"pay"}' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'INPUT_INVALID' } });
    const notJson = await fetch(`${origin}/bridge/intent`, { method: 'POST', headers: headers(), body: '{' });
    expect(notJson.status).toBe(400);
    const huge = await fetch(`${origin}/bridge/intent`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ type: 'start', pad: 'x'.repeat(100_000) }),
    }).catch(() => null);
    expect(huge === null || huge.status >= 400).toBe(true);
    expect(received).toEqual([{ type: 'start' }]);
  });

  it('streams views as server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${origin}/bridge/events?token=${server.token}`, { signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += decoder.decode((await reader.read()).value);
    };
    await readUntil('"revision":1');
    view = { ...view, revision: 2, screen: 'placeCard' };
    for (const l of listeners) l(view);
    await readUntil('"revision":2');
    expect(text).toContain('event: view');
    expect(text).toContain('"screen":"placeCard"');
    controller.abort();
  });

  it('has no screen holds unless the host was started for tests with them', async () => {
    const hold = { method: 'POST', headers: headers(), body: JSON.stringify({ screen: 'quoting', held: true }) };
    expect((await fetch(`${origin}/bridge/test-screen-hold`, hold)).status).toBe(404);
  });
});

describe('browser kiosk bridge server with screen holds (tests only)', () => {
  it('holds and releases a passing screen for a caller with the token, and refuses anything else', async () => {
    const holds = new ScreenHolds();
    const dir = mkdtempSync(join(tmpdir(), 'renderer-'));
    const held = await startBridgeServer({ target, rendererDir: dir, screenHolds: holds });
    const url = `${new URL(held.url).origin}/bridge/test-screen-hold`;
    const post = (body: string, token = held.token) =>
      fetch(url, { method: 'POST', headers: { 'x-kiosk-token': token, 'content-type': 'application/json' }, body });
    try {
      const quoting: KioskView = { ...view, screen: 'quoting' };
      expect((await post(JSON.stringify({ screen: 'quoting', held: true }), 'x'.repeat(32))).status).toBe(403);
      for (const bad of ['{', '{"screen":"menu","held":true}', '{"screen":"quoting"}']) expect((await post(bad)).status, bad).toBe(400);
      let passed = false;
      void holds.shown(quoting).then(() => (passed = true));
      await new Promise((r) => setTimeout(r, 10));
      expect(passed).toBe(true);

      expect((await post(JSON.stringify({ screen: 'quoting', held: true }))).status).toBe(204);
      passed = false;
      const waiting = holds.shown(quoting).then(() => (passed = true));
      await new Promise((r) => setTimeout(r, 10));
      expect(passed).toBe(false);
      expect((await post(JSON.stringify({ screen: 'quoting', held: false }))).status).toBe(204);
      await waiting;
      expect(passed).toBe(true);
    } finally {
      await held.close();
    }
  });
});
