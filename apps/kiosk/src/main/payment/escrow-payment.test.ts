import { describe, expect, it } from 'vitest';
import { MadoguchiError, type ErrorCode } from '@madoguchi/shared';
import { CashBox } from './cash-box.js';
import { payFromEscrow } from './escrow-payment.js';

/** A payment call answering from a script: an error code, or the delivery. */
function scripted(...answers: (ErrorCode | 'deliver')[]) {
  const keys: string[] = [];
  const pay = async (key: string) => {
    keys.push(key);
    const answer = answers.shift() ?? 'deliver';
    if (answer !== 'deliver') throw new MadoguchiError(answer);
    return 'delivery';
  };
  return { pay, keys };
}

const noPause = { retryDelaysMs: [5, 7], sleep: async () => undefined };

describe('payFromEscrow', () => {
  it('retries only an unanswered payment, always with the same key, and pauses between attempts', async () => {
    const { pay, keys } = scripted('ISSUANCE_CENTER_UNREACHABLE', 'ISSUANCE_INVALID_STATE');
    const pauses: number[] = [];
    const outcome = await payFromEscrow(pay, 'key-1', { retryDelaysMs: [5, 7], sleep: async (ms) => void pauses.push(ms) });
    expect(outcome).toEqual({ kind: 'paid', delivery: 'delivery', attempts: 3 });
    expect(keys).toEqual(['key-1', 'key-1', 'key-1']);
    expect(pauses).toEqual([5, 7]);
  });

  it('stops at its budget: no retry starts past it, and every attempt is handed the same deadline', async () => {
    let clock = 0;
    const deadlines: number[] = [];
    const pay = async (_key: string, deadlineAt: number) => {
      deadlines.push(deadlineAt);
      clock += 6_000; // each attempt runs 6 s before the network gives up
      throw new MadoguchiError('ISSUANCE_CENTER_UNREACHABLE');
    };
    const outcome = await payFromEscrow(pay, 'k', {
      retryDelaysMs: [1_000, 3_000, 5_000],
      budgetMs: 10_000,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
    });
    // 0–6 s first attempt, 1 s pause, 7–13 s second; a third would start past 10 s.
    expect(outcome).toEqual({ kind: 'unknown', code: 'ISSUANCE_CENTER_UNREACHABLE', attempts: 2 });
    expect(deadlines).toEqual([10_000, 10_000]);
  });

  it('gives up as unknown when the retries run out, telling the resident the center was not reached', async () => {
    const { pay, keys } = scripted('ISSUANCE_CENTER_UNREACHABLE', 'ISSUANCE_INVALID_STATE', 'ISSUANCE_INVALID_STATE');
    expect(await payFromEscrow(pay, 'k', noPause)).toEqual({ kind: 'unknown', code: 'ISSUANCE_CENTER_UNREACHABLE', attempts: 3 });
    expect(keys).toHaveLength(3);
  });

  it('takes the center’s answer as final: a refusal on the first attempt, or on a retry', async () => {
    expect(await payFromEscrow(scripted('ELIGIBILITY_OUTSIDE_HOURS').pay, 'k', noPause)).toEqual({
      kind: 'refused',
      code: 'ELIGIBILITY_OUTSIDE_HOURS',
      attempts: 1,
    });
    // On the first attempt "invalid state" is a decision (the quote was voided or used), not a fault.
    expect(await payFromEscrow(scripted('ISSUANCE_INVALID_STATE').pay, 'k', noPause)).toEqual({
      kind: 'refused',
      code: 'ISSUANCE_INVALID_STATE',
      attempts: 1,
    });
    // The stored refusal replayed to a retry.
    expect(await payFromEscrow(scripted('ISSUANCE_CENTER_UNREACHABLE', 'ISSUANCE_RENDER_TIMEOUT').pay, 'k', noPause)).toEqual({
      kind: 'refused',
      code: 'ISSUANCE_RENDER_TIMEOUT',
      attempts: 2,
    });
  });

  it('never calls an unreadable answer a refusal, and does not ask for it again', async () => {
    const { pay, keys } = scripted('INTERNAL');
    expect(await payFromEscrow(pay, 'k', noPause)).toEqual({ kind: 'unknown', code: 'INTERNAL', attempts: 1 });
    expect(keys).toHaveLength(1);
  });
});

describe('CashBox', () => {
  it('refunds only money it collected, and returns escrow untouched', () => {
    const box = new CashBox();
    box.insert(500);
    expect(() => box.refund(300 as never, 'x')).toThrow(RangeError);
    expect(box.returnAll('refused')).toBe(500);
    expect(box.collectedYen).toBe(0);
    box.insert(500);
    expect(box.collect(300 as never)).toBe(200);
    box.refund(300 as never, 'print failed');
    expect(box.collectedYen).toBe(0);
    expect(box.movements.filter((m) => m.kind === 'collected')).toEqual([{ kind: 'collected', yen: 300 }]);
  });
});
