import { describe, expect, it } from 'vitest';
import { historyDetailView } from './history-detail.js';

describe('historyDetailView', () => {
  it('shows a configuration change as section, before and after', () => {
    const view = historyDetailView({
      staffId: 'stf_abcdefgh12',
      section: 'fees',
      before: [{ effectiveFrom: '2026-04-01', feeYen: 300 }],
      after: [
        { effectiveFrom: '2026-04-01', feeYen: 300 },
        { effectiveFrom: '2027-04-01', feeYen: 200 },
      ],
    });
    expect(view.section).toBe('fees');
    expect(JSON.parse(view.before!)).toHaveLength(1);
    expect(JSON.parse(view.after!)).toHaveLength(2);
    expect(view.other).toEqual([]);
  });

  it('keeps a null "before" (something new) apart from no before at all', () => {
    expect(historyDetailView({ section: 'outages', before: null, after: { outageId: 'o1' } }).before).toBe('null');
    expect(historyDetailView({ registrationId: 'r1' }).before).toBeNull();
  });

  it('lists the other fields as text', () => {
    expect(historyDetailView({ registrationId: 'r1', channel: 'kiosk', copies: 2 }).other).toEqual([
      ['registrationId', 'r1'],
      ['channel', 'kiosk'],
      ['copies', '2'],
    ]);
  });
});
