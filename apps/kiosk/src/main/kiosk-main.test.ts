import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKioskMain, type KioskConfig } from './kiosk-main.js';

const dir = mkdtempSync(join(tmpdir(), 'madoguchi-kiosk-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createKioskMain', () => {
  it('refuses to start a store kiosk (a real reader) without a state directory for its journal, before opening anything', async () => {
    const config: KioskConfig = {
      center: { baseUrl: 'https://127.0.0.1:9', certFile: '/nonexistent', keyFile: '/nonexistent', caFile: '/nonexistent' },
      spoolDir: join(dir, 'spool'),
      reader: { kind: 'pcsc' },
    };
    const logged: string[] = [];
    await expect(createKioskMain(config, (message) => logged.push(message))).rejects.toThrow(/stateDir is required outside demo mode/);
    expect(logged).toEqual([]);
  });

  it('refuses the tests’ screen holds on a store kiosk: they let a page stop the session', async () => {
    const config: KioskConfig = {
      center: { baseUrl: 'https://127.0.0.1:9', certFile: '/nonexistent', keyFile: '/nonexistent', caFile: '/nonexistent' },
      spoolDir: join(dir, 'spool'),
      reader: { kind: 'pcsc' },
      stateDir: join(dir, 'state'),
      testScreenHolds: true,
    };
    await expect(createKioskMain(config, () => undefined)).rejects.toThrow(/testScreenHolds is for demo mode only/);
  });
});
