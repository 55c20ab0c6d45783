import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_PREFIX, kioskApi, kioskOpenApiPath, kioskPath, type KioskRouteName, type KioskRouteSpec } from './kiosk-routes.js';

const routes = Object.entries(kioskApi) as [KioskRouteName, KioskRouteSpec][];

describe('kiosk route table', () => {
  it('builds full paths, its parameters percent-encoded so an id cannot add a path segment', () => {
    expect(kioskPath('challenge')).toBe(`${API_PREFIX}/challenges`);
    expect(kioskPath('pay', { issuanceId: '9b2f6a0e-3c1d-4e5f-8a7b-1c2d3e4f5a6b' })).toBe(
      `${API_PREFIX}/issuances/9b2f6a0e-3c1d-4e5f-8a7b-1c2d3e4f5a6b/payment`,
    );
    expect(kioskPath('cancel', { issuanceId: '../challenges?x=1' })).toBe(`${API_PREFIX}/issuances/..%2Fchallenges%3Fx%3D1/cancel`);
    expect(kioskOpenApiPath('printResult')).toBe(`${API_PREFIX}/issuances/{issuanceId}/print-results`);
  });

  it('gives each route its own method and path', () => {
    const keys = routes.map(([, spec]) => `${spec.method} ${spec.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('describes every path parameter and nothing more', () => {
    for (const [name, spec] of routes) {
      const inPath = [...spec.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]).sort();
      expect({ name, params: Object.keys(spec.params?.shape ?? {}).sort() }).toEqual({ name, params: inPath });
    }
  });

  it('requires an idempotency key on every mutating call, and keeps the operation names idempotency rows are stored under', () => {
    for (const [name, spec] of routes) {
      if (spec.method === 'GET') {
        expect({ name, body: spec.body, operation: spec.operation }).toEqual({ name, body: undefined, operation: undefined });
        continue;
      }
      const body = z.toJSONSchema(spec.body!, { io: 'input' }) as { required?: string[] };
      expect({ name, keyRequired: body.required?.includes('idempotencyKey') }).toEqual({ name, keyRequired: true });
    }
    // Renaming one of these would turn a retry across an upgrade into a second call.
    expect(Object.fromEntries(routes.filter(([, spec]) => spec.operation).map(([name, spec]) => [name, spec.operation]))).toEqual({
      challenge: 'challenge',
      authenticate: 'authenticate',
      applyDomicileRegistration: 'domicile-registration',
      quote: 'quote',
      pay: 'payment',
      printResult: 'print-result',
      cancel: 'cancel',
    });
  });
});
