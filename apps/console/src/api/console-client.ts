/**
 * The one way the console talks to the center: routes by name from the shared route table
 * (console-routes.ts), so a path, a method or a schema is never spelled twice. The session is a
 * cookie the browser keeps (`credentials: 'same-origin'`); every state-changing call carries the
 * session's CSRF token, which the center gave in `me`.
 */
import {
  ReceivedErrorBody,
  consoleApi,
  consolePath,
  isErrorCode,
  isStateChanging,
  CSRF_HEADER,
  type ConsoleBody,
  type ConsoleParams,
  type ConsoleQuery,
  type ConsoleResponse,
  type ConsoleRouteName,
  type ErrorCode,
} from '@madoguchi/shared';

export interface ConsoleIssue {
  path: string;
  message: string;
}

/** A refusal or failure, with the shared catalog's code (an unknown or garbled answer is INTERNAL). */
export class ConsoleError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    readonly issues: readonly ConsoleIssue[] = [],
  ) {
    super(code);
    this.name = 'ConsoleError';
  }
}

export interface CallOptions<N extends ConsoleRouteName> {
  params?: ConsoleParams<N>;
  query?: ConsoleQuery<N>;
  body?: ConsoleBody<N>;
  signal?: AbortSignal;
}

export interface ConsoleClientDeps {
  fetch: typeof fetch;
  /** The CSRF token of the current session (from `me`), or null before sign-in. */
  csrfToken: () => string | null;
  /** A non-public route answered 401: the session is gone (ended, expired, disabled). */
  onSessionLost: (error: ConsoleError) => void;
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function errorFrom(response: Response): Promise<ConsoleError> {
  const parsed = ReceivedErrorBody.safeParse(await response.json().catch(() => null));
  if (!parsed.success) return new ConsoleError(response.status === 403 ? 'FORBIDDEN' : 'INTERNAL', response.status);
  const { code, issues } = parsed.data.error;
  return new ConsoleError(isErrorCode(code) ? code : 'INTERNAL', response.status, issues ?? []);
}

export type ConsoleCall = <N extends ConsoleRouteName>(name: N, options?: CallOptions<N>) => Promise<ConsoleResponse<N>>;

export function createConsoleClient(deps: ConsoleClientDeps): ConsoleCall {
  return async (name, options = {}) => {
    const route = consoleApi[name];
    const path = (consolePath as (n: ConsoleRouteName, p?: unknown) => string)(name, options.params);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (isStateChanging(name)) {
      const token = deps.csrfToken();
      if (token) headers[CSRF_HEADER] = token;
    }
    const hasBody = route.method !== 'GET';
    if (hasBody) headers['content-type'] = 'application/json';
    const response = await deps.fetch(`${path}${queryString(options.query as Record<string, unknown> | undefined)}`, {
      method: route.method,
      headers,
      credentials: 'same-origin',
      body: hasBody ? JSON.stringify(options.body ?? {}) : undefined,
      signal: options.signal,
    });
    if (!response.ok) {
      const error = await errorFrom(response);
      if (response.status === 401 && route.permission !== 'public') deps.onSessionLost(error);
      throw error;
    }
    const parsed = route.response.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new ConsoleError('INTERNAL', response.status);
    return parsed.data as ConsoleResponse<typeof name>;
  };
}
