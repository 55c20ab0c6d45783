import { describe, expect, it } from 'vitest';
import { MadoguchiError, type HeartbeatRequest } from '@madoguchi/shared';
import { startHeartbeat, type HeartbeatPorts } from './heartbeat-service.js';

type Sent = Omit<HeartbeatRequest, 'idempotencyKey'>;

function ports(send: (request: Sent) => Promise<unknown>, logged: string[] = []): HeartbeatPorts {
  return {
    send,
    printerStatus: async () => ({ canPrint: true, reasons: ['toner-low'] }),
    readerStatus: () => 'reconnecting',
    cashState: () => 'absent',
    softwareVersion: '1.2.3',
    log: (event, fields) => logged.push(`${event} ${JSON.stringify(fields)}`),
    now: () => new Date('2026-11-24T03:00:00Z'),
    intervalMs: 3_600_000,
  };
}

describe('startHeartbeat', () => {
  it('beats at start with the devices’ states, and reports the last issuance printed whole from then on', async () => {
    const sent: Sent[] = [];
    const heartbeat = startHeartbeat(ports(async (r) => sent.push(r)));
    await heartbeat.beat();
    heartbeat.issuancePrinted(new Date('2026-11-24T02:59:00Z'));
    await heartbeat.beat();
    await heartbeat.stop();
    expect(sent[0]).toEqual({
      sentAt: '2026-11-24T03:00:00.000Z',
      softwareVersion: '1.2.3',
      reader: 'reconnecting',
      printer: 'toner-low',
      cash: 'absent',
      lastIssuanceAt: null,
    });
    expect(sent.at(-1)!.lastIssuanceAt).toBe('2026-11-24T02:59:00.000Z');
  });

  it('never overlaps a beat still on its way, and only logs a failed one by its code', async () => {
    let calls = 0;
    let release!: () => void;
    const logged: string[] = [];
    const heartbeat = startHeartbeat(
      ports(() => {
        calls += 1;
        return new Promise((_resolve, reject) => {
          release = () => reject(new MadoguchiError('ISSUANCE_CENTER_UNREACHABLE'));
        });
      }, logged),
    );
    const first = heartbeat.beat();
    const second = heartbeat.beat();
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toBe(1);
    release();
    await Promise.all([first, second]);
    expect(logged).toEqual(['heartbeat not sent {"code":"ISSUANCE_CENTER_UNREACHABLE"}']);
    await heartbeat.stop();
    await heartbeat.beat();
    expect(calls).toBe(1);
  });
});
