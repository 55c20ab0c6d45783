/**
 * The console routes of the kiosk fleet (heartbeats seen, enrol, revoke), registered from the console route table through
 * http/console-route.ts (session, permission and CSRF are checked before a handler runs). Every
 * route is service-wide (`oversee` to read, `operate` to change): no municipality staff reach it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { MadoguchiError } from '@madoguchi/shared';
import type { CenterContext } from '../http/context.js';
import { consoleRoute } from '../http/console-route.js';
import { fleetKiosk, fleetList } from '../kiosks/fleet-view.js';
import { ensureKioskCa, type KioskCa } from '../kiosks/kiosk-ca.js';
import { enrollKiosk, revokeKiosk } from '../kiosks/registry.js';
import { createStoreChain, listStoreChains } from '../kiosks/store-chains.js';

/**
 * The center's own kiosk CA, never a new one: ensureKioskCa would make a CA wherever it is pointed,
 * and certificates from a CA the center does not trust would fail on the kiosk.
 */
function kioskCaOf(context: CenterContext): KioskCa {
  const dir = context.config.tls.kioskCaDir;
  if (!dir || !existsSync(join(dir, 'kiosk-ca.key.pem')))
    throw new MadoguchiError('INTERNAL', 'this center has no kiosk CA key (tls.kioskCaDir): enrol kiosks with the kiosk CLI');
  return ensureKioskCa(dir);
}

export function registerFleetRoutes(context: CenterContext, app: FastifyInstance): void {
  consoleRoute(context, app, 'storeChains', async () => ({ chains: await listStoreChains(context.database.db) }));
  consoleRoute(context, app, 'createStoreChain', async ({ body }) => createStoreChain(context.database, body, context.now()));
  consoleRoute(context, app, 'fleet', async ({ query }) => fleetList(context.database, query, context.now()));

  consoleRoute(context, app, 'enrolKiosk', async ({ staff, body }) => {
    const ca = kioskCaOf(context);
    const enrollment = await enrollKiosk(context.database, ca, { ...body, staffId: staff.staffId }, context.now());
    return {
      terminalId: enrollment.kiosk.terminalId,
      certificatePem: enrollment.certificatePem,
      kioskCaPem: ca.certificatePem,
      certificateSha256: enrollment.certificateSha256,
      serialNumber: enrollment.serialNumber,
      notAfter: enrollment.notAfter,
    };
  });

  consoleRoute(context, app, 'revokeKiosk', async ({ staff, params }) => {
    const now = context.now();
    // Revoking a revoked kiosk changes nothing and answers it as it is (a second click, two operators).
    await revokeKiosk(context.database, params.terminalId, now, staff.staffId);
    const kiosk = await fleetKiosk(context.database, params.terminalId, now);
    if (!kiosk) throw new MadoguchiError('NOT_FOUND', `no kiosk ${params.terminalId}`);
    return kiosk;
  });
}
