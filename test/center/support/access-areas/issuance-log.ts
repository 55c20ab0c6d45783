/**
 * The issuance-log routes' part of the generated access walk (see area.ts). The routes are
 * service-wide: municipal staff reach them, and the center holds them to their own municipality.
 * `setup` quotes one issuance in the other municipality through a real kiosk; the probes show that
 * municipal staff find nothing of it (404) and that asking to reveal it writes nothing.
 */
import { ok, newKey } from '../center-harness.js';
import type { AccessArea } from './area.js';

export const issuanceLogAccess: AccessArea<'searchIssuances' | 'exportIssuances' | 'issuanceTimeline' | 'revealPersonalData'> = {
  fixtures: {
    searchIssuances: (m) => ({ query: { municipalityCode: m, limit: 5 } }),
    exportIssuances: (m) => ({ query: { municipalityCode: m } }),
    issuanceTimeline: (_m, ids) => ({ params: { issuanceId: ids.issuanceId! } }),
    revealPersonalData: (_m, ids) => ({ params: { issuanceId: ids.issuanceId! }, body: { reason: 'probe' } }),
  },
  async setup({ con, other }) {
    const { center } = con;
    const residentId = center.demo.batch.residents.find(
      (r) => r.municipalityCode === other && r.status === 'active' && r.recordState === 'approved' && r.relationship === '世帯主',
    )!.residentId;
    const kiosk = await center.enrollKiosk();
    const sessionId = ok(await center.authenticate(kiosk, await center.issueCard(residentId))).sessionId;
    const quote = ok(await center.quote(kiosk, sessionId, { idempotencyKey: newKey() }));
    return { issuanceId: quote.issuanceId };
  },
  probes: [
    ['municipalityClerk', 'issuanceTimeline'],
    ['municipalityAdministrator', 'issuanceTimeline'],
    ['municipalityClerk', 'revealPersonalData'],
    ['municipalityAdministrator', 'revealPersonalData'],
  ],
};
