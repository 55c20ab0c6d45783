import { appendFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { yen } from '@madoguchi/shared';
import { SimulatedCashDevice } from './cash-device.js';
import { CASH_UNIT_FILE, readCashUnitCounters } from './cash-unit-log.js';

const stateDir = () => join(mkdtempSync(join(tmpdir(), 'cash-unit-')), 'state');

describe('SimulatedCashDevice: payouts the unit remembers', () => {
  it('answers for a payout id after a restart from its own log, coin by coin', async () => {
    const dir = stateDir();
    const unit = new SimulatedCashDevice({ stateDir: dir });
    unit.insert(1000);
    unit.payOut(yen(660), 'change', 'i-1/4');
    unit.close();
    const restarted = new SimulatedCashDevice({ stateDir: dir });
    expect(await restarted.payoutOutcome('i-1/4')).toEqual({ dispensed: 660 });
    // An id the unit never recorded was never paid.
    expect(await restarted.payoutOutcome('i-1/9')).toEqual({ dispensed: 0 });
    expect(restarted.counters()).toEqual({
      insertedYen: 1000,
      payouts: new Map([['i-1/4', { reason: 'change', owedYen: 660, dispensedYen: 660 }]]),
    });
    expect(statSync(join(dir, CASH_UNIT_FILE)).mode & 0o777).toBe(0o600);
    restarted.close();
  });

  it('counts only the coins that dropped when cut mid-way, and a torn last line is not a coin', async () => {
    const dir = stateDir();
    let coins = 0;
    const crash = new Error('power cut');
    const unit = new SimulatedCashDevice({
      stateDir: dir,
      crashPoint: {
        reached: (kind) => {
          if (kind === 'cashUnitCoin' && ++coins === 2) throw crash;
        },
      },
    });
    expect(() => unit.payOut(yen(700), 'refund', 'i-2/7')).toThrow(crash); // 500 and 100 dropped, cut before the last 100
    unit.close();
    appendFileSync(join(dir, CASH_UNIT_FILE), '{"payout":"i-2/7","co');
    const restarted = new SimulatedCashDevice({ stateDir: dir });
    expect(await restarted.payoutOutcome('i-2/7')).toEqual({ dispensed: 600 });
    restarted.payOut(yen(100), 'refund', 'i-2/9');
    restarted.close();
    expect(readCashUnitCounters(dir)?.payouts.get('i-2/9')).toEqual({ reason: 'refund', owedYen: 100, dispensedYen: 100 });
  });

  it('in memory (the demo without a state directory) knows only its own run', async () => {
    const unit = new SimulatedCashDevice();
    unit.payOut(yen(100), 'change', 'a');
    expect(await unit.payoutOutcome('a')).toEqual({ dispensed: 100 });
    expect(await unit.payoutOutcome('b')).toBe('unknown');
    expect(unit.paidOut).toEqual([{ yen: 100, reason: 'change' }]);
  });
});
