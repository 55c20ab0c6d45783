/**
 * The anomalies routes' part of the generated access walk (see area.ts). Incidents, verification
 * and heads are service-wide (no municipality in the path); the disposal is under the
 * municipality's path, so a clerk's disposal of the other municipality's document must not be found.
 */
import { ok } from '../center-harness.js';
import { M, type AccessArea } from './area.js';

/** No incident has this id: triage fixtures only need a well-formed one (allowed calls are not made there). */
const NO_INCIDENT = '00000000-0000-4000-8000-000000000000';

export const anomaliesAccess: AccessArea<
  'incidents' | 'acknowledgeIncident' | 'resolveIncident' | 'recordDisposal' | 'verifyChain' | 'chainHeads'
> = {
  fixtures: {
    incidents: () => ({ query: { limit: 5 } }),
    acknowledgeIncident: (_m, ids) => ({ params: { incidentId: ids.incidentId ?? NO_INCIDENT }, body: {} }),
    resolveIncident: (_m, ids) => ({ params: { incidentId: ids.incidentId ?? NO_INCIDENT }, body: { note: 'probe' } }),
    recordDisposal: (m, ids) => ({ ...M(m), body: { issueNumber: ids.otherIssueNumber!, reason: 'probe' } }),
    verifyChain: () => ({}),
    chainHeads: () => ({ query: {} }),
  },
  /** A printed document of the other municipality, from a real kiosk transaction. */
  async setup({ con, other }) {
    const { featured } = con.center.demo;
    const residentId = [featured.chiyodaResident, featured.ordinary, featured.okutamaResident].find((id) => id?.startsWith(`${other}-`))!;
    const kiosk = await con.center.enrollKiosk();
    const card = await con.center.issueCard(residentId);
    const quote = ok(await con.center.quote(kiosk, ok(await con.center.authenticate(kiosk, card)).sessionId));
    const issueNumber = ok(await con.center.pay(kiosk, quote)).documents[0]!.binding.issueNumber;
    ok(await con.center.reportPrint(kiosk, quote.issuanceId, { issueNumber }));
    return { otherIssueNumber: issueNumber };
  },
  probes: [
    ['municipalityClerk', 'recordDisposal'],
    ['municipalityAdministrator', 'recordDisposal'],
  ],
};
