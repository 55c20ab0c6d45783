/**
 * The fleet routes' part of the generated access walk (see area.ts). Every fleet route is
 * service-wide (`oversee` to read, `operate` to change) with no municipality in its path, so
 * municipal staff are refused each one outright (403) and there is nothing of another
 * municipality to probe for.
 */
import type { AccessArea } from './area.js';

const csrPem = '-----BEGIN CERTIFICATE REQUEST-----\nMIIBprobe\n-----END CERTIFICATE REQUEST-----';

export const fleetAccess: AccessArea<'storeChains' | 'createStoreChain' | 'fleet' | 'enrolKiosk' | 'revokeKiosk'> = {
  fixtures: {
    storeChains: () => ({}),
    createStoreChain: () => ({ body: { chainCode: 'probe-chain', name: 'probe' } }),
    fleet: () => ({ query: { silentOnly: 'true' } }),
    enrolKiosk: () => ({
      body: { csrPem, terminalId: 'T-PROBE', printerId: 'P01', storeCode: 'S-PROBE', storeName: 'probe', chainCode: 'probe-chain' },
    }),
    revokeKiosk: () => ({ params: { terminalId: 'T-PROBE' }, body: {} }),
  },
};
