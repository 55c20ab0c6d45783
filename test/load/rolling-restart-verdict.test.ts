/** The rolling restart's verdict (issue 14 item 3): ≥ 99.9 % completed, no resident-visible failure while it ran. */
import { describe, expect, it } from 'vitest';
import type { JourneyResult } from './protocol.js';
import { rollingRestartVerdict } from './run.js';

const journey = (id: number, at: number, outcome: JourneyResult['outcome'], code?: string): JourneyResult => ({
  id,
  scenario: 'load',
  residentId: `r${id}`,
  certificateType: 'residenceRecord',
  terminalId: 't',
  outcome,
  ...(code ? { code } : {}),
  startedAt: at,
  endedAt: at + 1_000,
  printed: [],
});

const window = { from: 10_000, to: 20_000 };
const printed = Array.from({ length: 2_000 }, (_, i) => journey(i, i * 10, 'printed'));

describe('rollingRestartVerdict', () => {
  it('passes printed journeys and refusals the resident’s own record explains', () => {
    const v = rollingRestartVerdict([...printed, journey(9_001, 15_000, 'refused', 'ELIGIBILITY_UNDER_15')], window);
    expect(v.ok, v.detail).toBe(true);
  });

  it('fails a refusal by the system (center unreachable) while the restart ran, even one in thousands', () => {
    const v = rollingRestartVerdict([...printed, journey(9_001, 15_000, 'refused', 'ISSUANCE_CENTER_UNREACHABLE')], window);
    expect(v.ok).toBe(false);
    expect(v.detail).toContain('1 of them failed (refused:ISSUANCE_CENTER_UNREACHABLE)');
  });

  it('fails under 99.9 % completed even outside the restart', () => {
    const failed = [journey(9_001, 50_000, 'failed', 'ISSUANCE_PRINT_FAILED'), journey(9_002, 60_000, 'stuck')];
    const v = rollingRestartVerdict([...printed.slice(0, 1_000), ...failed], window);
    expect(v.ok).toBe(false);
    expect(v.detail).toContain('99.80 % completed');
  });

  it('fails when the restart never ran', () => {
    expect(rollingRestartVerdict(printed, undefined).ok).toBe(false);
  });
});

describe('rollingRestartVerdict and the virtual card', () => {
  it('does not count a virtual-card step over its budget (no center call in it) as the centers’ failure, and says how many', () => {
    const v = rollingRestartVerdict([...printed, journey(9_001, 15_000, 'refused', 'CARD_ERROR')], window);
    expect(v.ok, v.detail).toBe(true);
    expect(v.detail).toContain('1 virtual-card steps over budget');
  });
});
