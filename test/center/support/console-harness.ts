/**
 * The staff console over real HTTPS, for integration tests (ours and the municipality pages').
 *
 *   const con = await startConsoleCenter(database);            // a real center (center-harness.ts)
 *   const admin = await con.createStaffAccount({ role: 'municipalityAdministrator', municipalityCode: '131016' });
 *   const client = await con.signIn(admin);                     // the real sign-in route: password + TOTP
 *   const res = await client.call('overview', { params: { municipalityCode: '131016' } });
 *   res.status; res.body; res.headers                           // the center's answer as it came
 *   await client.raw('POST', consolePath('signOut'), { body: {}, csrf: false })   // negative tests
 *   con.anonymous()                                             // a client without a cookie
 *   await con.close();
 *
 * createStaffAccount puts an active account straight into the database (createEnrolledStaff from
 * @madoguchi/center) with a random login id, password and TOTP secret, and returns them. signIn
 * signs in through POST /console/api/v1/session with a TOTP code computed from the center's test
 * clock; `call` carries the session cookie and, on state-changing routes, the CSRF header. Sign in
 * once per role and reuse the client. The accounts' passwords are hashed with a light scrypt work
 * factor (TEST_PASSWORD_PARAMETERS): a full one costs 0.1 s per hash and per sign-in on an idle
 * machine and seconds on a busy one, and no console test is about the work factor
 * (apps/center/src/staff/passwords.test.ts is).
 *
 * A TOTP code is accepted once per 30-second step, and the test clock stands still, so a second
 * sign-in of the same account in a test would be refused as a replay: signIn clears the account's
 * last-used step first (a test shortcut; test/center/staff-accounts.test.ts tests the replay rule).
 */
import { randomBytes } from 'node:crypto';
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import {
  CONSOLE_SESSION_COOKIE,
  CSRF_HEADER,
  consoleApi,
  consolePath,
  type ConsoleBody,
  type ConsoleParams,
  type ConsoleQuery,
  type ConsoleRouteName,
  type Me,
  type StaffRole,
} from '@madoguchi/shared';
import { createEnrolledStaff, newTotpSecret, totpCode, type CenterDatabase } from '@madoguchi/center';
import { startCenter, type CenterHarness, type StartOptions } from './center-harness.js';

export interface StaffAccount {
  staffId: string;
  loginId: string;
  password: string;
  totpSecret: string;
  role: StaffRole;
  municipalityCode: string | null;
}

export interface ConsoleResult<T = unknown> {
  status: number;
  body: T;
  headers: IncomingHttpHeaders;
}

export interface ConsoleInput<N extends ConsoleRouteName> {
  params?: ConsoleParams<N>;
  query?: ConsoleQuery<N>;
  body?: ConsoleBody<N>;
}

export interface RawOptions {
  body?: unknown;
  /** Send the session cookie (default: when the client has one). */
  cookie?: boolean | string;
  /** Send the session's CSRF token (default true when signed in); a string sends that instead. */
  csrf?: boolean | string;
  headers?: Record<string, string>;
  /** A kiosk's client certificate, to show it opens nothing here. */
  clientCert?: { keyPem: string; certPem: string };
}

export interface ConsoleClient {
  /** The signed-in staff member (null for an anonymous client). */
  me: Me | null;
  sessionToken: string | null;
  call<N extends ConsoleRouteName>(name: N, input?: ConsoleInput<N>): Promise<ConsoleResult>;
  raw(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options?: RawOptions): Promise<ConsoleResult>;
  close(): void;
}

export interface ConsoleCenter {
  center: CenterHarness;
  createStaffAccount(account: { role: StaffRole; municipalityCode?: string | null; loginId?: string }): Promise<StaffAccount>;
  signIn(account: StaffAccount): Promise<ConsoleClient>;
  anonymous(): ConsoleClient;
  close(): Promise<void>;
}

let accountCounter = 0;

/** scrypt N = 2^10 (1 MiB): see the header. The center verifies each hash with its own parameters. */
const TEST_PASSWORD_PARAMETERS = { N: 2 ** 10, r: 8, p: 1 };

/** A bare HTTPS request to the center (any method, headers, optional client certificate). */
export function consoleRequest(
  center: Pick<CenterHarness, 'baseUrl' | 'caPem'>,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; clientCert?: { keyPem: string; certPem: string }; agent?: Agent } = {},
): Promise<ConsoleResult> {
  const payload =
    options.body === undefined ? undefined : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
  const agent =
    options.agent ??
    new Agent({ ca: center.caPem, ...(options.clientCert ? { key: options.clientCert.keyPem, cert: options.clientCert.certPem } : {}) });
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${center.baseUrl}${path}`,
      {
        method,
        agent,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text.length ? JSON.parse(text) : null;
          } catch {
            // not JSON (the console app's pages): keep the text
          }
          if (!options.agent) agent.destroy();
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The session cookie's value in a Set-Cookie answer, or null. */
export function sessionCookieOf(headers: IncomingHttpHeaders): string | null {
  for (const line of headers['set-cookie'] ?? []) {
    const match = new RegExp(`^${CONSOLE_SESSION_COOKIE}=([^;]*)`).exec(line);
    if (match && match[1]) return match[1];
  }
  return null;
}

/** A console client over `center` with an optional session (cookie token and CSRF token). */
export function consoleClient(center: Pick<CenterHarness, 'baseUrl' | 'caPem'>, session: { me: Me; token: string } | null): ConsoleClient {
  const agent = new Agent({ keepAlive: true, ca: center.caPem, maxSockets: 8 });
  const client: ConsoleClient = {
    me: session?.me ?? null,
    sessionToken: session?.token ?? null,
    raw(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const cookie = options.cookie === undefined || options.cookie === true ? session?.token : options.cookie || undefined;
      if (cookie) headers.cookie = `${CONSOLE_SESSION_COOKIE}=${cookie}`;
      const csrf = options.csrf === undefined || options.csrf === true ? session?.me.csrfToken : options.csrf || undefined;
      if (csrf && method !== 'GET') headers[CSRF_HEADER] = csrf;
      return consoleRequest(center, method, path, {
        body: options.body,
        headers,
        ...(options.clientCert ? { clientCert: options.clientCert } : { agent }),
      });
    },
    call(name, input = {}) {
      const path = (consolePath as (route: ConsoleRouteName, params?: unknown) => string)(name, input.params);
      const query = input.query ? `?${new URLSearchParams(input.query as Record<string, string>).toString()}` : '';
      const spec = consoleApi[name];
      return client.raw(spec.method, `${path}${query}`, spec.method === 'GET' ? {} : { body: input.body ?? {} });
    },
    close: () => agent.destroy(),
  };
  return client;
}

/** Signs `account` in through the real sign-in route; throws unless it succeeds. */
export async function signInOver(center: CenterHarness, account: StaffAccount): Promise<ConsoleClient> {
  // See the header: the fixed test clock would make a second sign-in a TOTP replay.
  await center.database.db.updateTable('staff_users').set({ totp_last_step: null }).where('staff_id', '=', account.staffId).execute();
  const body = { loginId: account.loginId, password: account.password, totpCode: totpCode(account.totpSecret, center.clock.now()) };
  const res = await consoleRequest(center, 'POST', consolePath('signIn'), { body });
  const token = sessionCookieOf(res.headers);
  if (res.status !== 200 || !token) throw new Error(`sign-in of ${account.loginId} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return consoleClient(center, { me: res.body as Me, token });
}

/** Puts an active account with a fresh password and TOTP secret into the center's database. */
export async function createStaffAccount(
  database: CenterDatabase,
  account: { role: StaffRole; municipalityCode?: string | null; loginId?: string },
  now?: Date,
): Promise<StaffAccount> {
  const loginId = account.loginId ?? `staff-${++accountCounter}-${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  const totpSecret = newTotpSecret();
  const municipalityCode = account.municipalityCode ?? null;
  const { staffId } = await createEnrolledStaff(
    database,
    { loginId, role: account.role, municipalityCode, password, totpSecret, passwordParameters: TEST_PASSWORD_PARAMETERS },
    now,
  );
  return { staffId, loginId, password, totpSecret, role: account.role, municipalityCode };
}

/** A real center (center-harness.ts) with the console helpers above. */
export async function startConsoleCenter(database: CenterDatabase, options: StartOptions = {}): Promise<ConsoleCenter> {
  const center = await startCenter(database, options);
  const clients: ConsoleClient[] = [];
  const track = (client: ConsoleClient) => (clients.push(client), client);
  return {
    center,
    createStaffAccount: (account) => createStaffAccount(database, account, center.clock.now()),
    signIn: async (account) => track(await signInOver(center, account)),
    anonymous: () => track(consoleClient(center, null)),
    async close() {
      for (const client of clients) client.close();
      await center.close();
    },
  };
}
