/** The statistics routes' part of the generated access walk (see area.ts). */
import type { AccessArea } from './area.js';

export const statisticsAccess: AccessArea<'statistics' | 'costPerCertificate'> = {
  // Service-wide: the municipality is a filter the handler overrides for municipal staff, not a path.
  fixtures: {
    statistics: (m) => ({ query: { from: '2026-11-01', to: '2026-11-30', municipalityCode: m } }),
    costPerCertificate: (m) => ({ query: { fiscalYear: 2026, municipalityCode: m } }),
  },
};
