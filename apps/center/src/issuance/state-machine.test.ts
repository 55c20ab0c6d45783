import { describe, expect, it } from 'vitest';
import { IssuanceState } from '@madoguchi/shared';
import { canTransition, transitions } from './state-machine.js';

describe('issuance state machine', () => {
  it('has an entry for every state of the shared contract', () => {
    expect(Object.keys(transitions).sort()).toEqual([...IssuanceState.options].sort());
  });
  it('lets every paid issuance end printed or refunded, and nothing leave a final state', () => {
    expect(canTransition('paid', 'delivered')).toBe(true);
    expect(canTransition('delivered', 'printed')).toBe(true);
    expect(canTransition('paid', 'failed') && canTransition('delivered', 'failed') && canTransition('failed', 'refunded')).toBe(true);
    for (const final of ['printed', 'refunded', 'voided'] as const) expect(transitions[final]).toEqual([]);
  });
  it('never skips payment or voids money already taken', () => {
    expect(canTransition('quoted', 'delivered')).toBe(false);
    expect(canTransition('paid', 'voided')).toBe(false);
    expect(canTransition('delivered', 'refunded')).toBe(false);
  });
});
