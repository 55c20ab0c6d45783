import { describe, expect, it, vi } from 'vitest';
import { CSRF_HEADER } from '@madoguchi/shared';
import { ConsoleError, createConsoleClient } from './console-client.js';

const me = {
  staffId: 'stf_abcdefgh12',
  loginId: 'tanaka',
  role: 'municipalityClerk',
  municipalityCode: '131016',
  csrfToken: 'csrf-1',
  expiresAt: '2027-04-01T09:00:00+09:00',
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function client(answer: Response, token: string | null = 'csrf-1') {
  const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => answer);
  const onSessionLost = vi.fn();
  const call = createConsoleClient({ fetch: fetch as unknown as typeof globalThis.fetch, csrfToken: () => token, onSessionLost });
  return { call, fetch, onSessionLost };
}

const refusal = (code: string, issues?: unknown) => ({ error: { code, message: 'm', messageEn: 'm', ...(issues ? { issues } : {}) } });

describe('callConsole', () => {
  it('reads with GET, the session cookie and no CSRF header, and checks the answer against the route schema', async () => {
    const { call, fetch } = client(json(200, me));
    await expect(call('me')).resolves.toEqual(me);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/console/api/v1/session');
    expect(init).toMatchObject({ method: 'GET', credentials: 'same-origin' });
    expect((init!.headers as Record<string, string>)[CSRF_HEADER]).toBeUndefined();
  });

  it('sends the CSRF token, the JSON body and the path parameters on a state-changing call', async () => {
    const { call, fetch } = client(json(200, { ok: true }));
    await call('signOut', { body: {} });
    await call('rejectDomicileRegistration', {
      params: { municipalityCode: '131016', registrationId: 'reg-1' },
      body: { reason: '本籍が違う' },
    }).catch(() => undefined);
    const [, signOut] = fetch.mock.calls[0]!;
    expect((signOut!.headers as Record<string, string>)[CSRF_HEADER]).toBe('csrf-1');
    const [url, reject] = fetch.mock.calls[1]!;
    expect(url).toBe('/console/api/v1/municipalities/131016/domicile-registrations/reg-1/reject');
    expect(JSON.parse(reject!.body as string)).toEqual({ reason: '本籍が違う' });
  });

  it('puts the query in the URL', async () => {
    const { call, fetch } = client(json(200, { entries: [], nextBefore: null }));
    await call('history', { params: { municipalityCode: '131016' }, query: { before: 120, limit: 50 } });
    expect(fetch.mock.calls[0]![0]).toBe('/console/api/v1/municipalities/131016/history?before=120&limit=50');
  });

  it('throws the catalog code with the issues the center named', async () => {
    const issues = [{ path: 'body/feeYen', message: 'whole yen' }];
    const { call } = client(json(400, refusal('INPUT_INVALID', issues)));
    const error = await call('scheduleFee', {
      params: { municipalityCode: '131016' },
      body: { certificateType: 'residenceRecord', effectiveFrom: '2027-04-01', feeYen: 1.5 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsoleError);
    expect(error).toMatchObject({ code: 'INPUT_INVALID', status: 400, issues });
  });

  it('reports a lost session on a 401 from a signed-in route, but not a refused sign-in', async () => {
    const lost = client(json(401, refusal('SESSION_EXPIRED')));
    await expect(lost.call('municipalities')).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(lost.onSessionLost).toHaveBeenCalledTimes(1);
    const refused = client(json(401, refusal('SIGN_IN_FAILED')));
    await expect(refused.call('signIn', { body: { loginId: 'tanaka', password: 'x', totpCode: '123456' } })).rejects.toMatchObject({
      code: 'SIGN_IN_FAILED',
    });
    expect(refused.onSessionLost).not.toHaveBeenCalled();
  });

  it('treats an unknown code or a body that is not an error as INTERNAL, and a bare 403 as FORBIDDEN', async () => {
    await expect(client(json(409, refusal('SOMETHING_NEW'))).call('municipalities')).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(client(new Response('<html>', { status: 502 })).call('municipalities')).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(client(new Response('', { status: 403 })).call('municipalities')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses an answer that does not match the route schema', async () => {
    await expect(client(json(200, { municipalities: 'nope' })).call('municipalities')).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
