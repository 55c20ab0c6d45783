/**
 * Browser kiosk mode: the same renderer, served to Chromium from 127.0.0.1, with the bridge over
 * HTTP + server-sent events instead of Electron IPC (protocol in packages/shared/src/api/kiosk-bridge.ts).
 * A per-start random token keeps other local pages from driving the kiosk; intents are validated by
 * the session exactly as IPC intents are.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { MadoguchiError, type KioskView } from '@madoguchi/shared';
import { ScreenHoldRequest, type ScreenHolds } from '../main/session/screen-holds.js';

export interface BridgeTarget {
  getView(): KioskView;
  onView(listener: (view: KioskView) => void): () => void;
  send(intent: unknown): Promise<void>;
}

export interface BridgeServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; " +
    "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** Resolves a URL path inside `root`, or null if it would escape it (path traversal guard). */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    return null;
  }
  // Refuse rather than clamp: a request that tries to climb out is not a request for a page.
  if (decoded.includes('\0') || decoded.split(/[/\\]/).includes('..')) return null;
  const relative = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^([/\\])+/, '');
  const full = join(root, relative);
  const rootWithSep = root.endsWith(sep) ? root : root + sep;
  return full.startsWith(rootWithSep) ? full : null;
}

export async function startBridgeServer(options: {
  target: BridgeTarget;
  rendererDir: string;
  port?: number;
  host?: string;
  onRendererConnected?: () => void;
  /** Tests only (--test-screen-holds, demo mode): POST /bridge/test-screen-hold holds or releases a passing screen. */
  screenHolds?: ScreenHolds;
}): Promise<BridgeServer> {
  const token = randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const streams = new Set<http.ServerResponse>();
  const authorised = (value: string | null | undefined) => {
    if (!value) return false;
    const got = Buffer.from(value);
    return got.length === tokenBytes.length && timingSafeEqual(got, tokenBytes);
  };

  const unsubscribe = options.target.onView((view) => {
    const frame = `event: view\ndata: ${JSON.stringify(view)}\n\n`;
    for (const res of streams) res.write(frame);
  });

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (url.pathname.startsWith('/bridge/')) {
        const given = req.headers['x-kiosk-token'];
        if (!authorised(typeof given === 'string' ? given : url.searchParams.get('token')))
          return json(res, 403, { error: { code: 'FORBIDDEN', message: 'bad token' } });
        if (req.method === 'GET' && url.pathname === '/bridge/view') return json(res, 200, options.target.getView());
        if (req.method === 'GET' && url.pathname === '/bridge/events') {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
          res.write(`event: view\ndata: ${JSON.stringify(options.target.getView())}\n\n`);
          streams.add(res);
          req.on('close', () => streams.delete(res));
          options.onRendererConnected?.();
          return;
        }
        if (req.method === 'POST' && url.pathname === '/bridge/intent') return await handleIntent(req, res, options.target);
        if (req.method === 'POST' && url.pathname === '/bridge/test-screen-hold' && options.screenHolds)
          return await handleScreenHold(req, res, options.screenHolds);
        return json(res, 404, { error: { code: 'NOT_FOUND', message: 'no such bridge call' } });
      }
      if (req.method !== 'GET') return json(res, 405, { error: { code: 'INPUT_INVALID', message: 'GET only' } });
      await serveStaticFile(res, options.rendererDir, url.pathname);
    } catch {
      if (!res.headersSent) json(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } });
      else res.end();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    close: async () => {
      unsubscribe();
      for (const res of streams) res.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Passes a POSTed intent to the session; the session's own validation decides 400 versus a thrown 500. */
async function handleIntent(req: http.IncomingMessage, res: http.ServerResponse, target: BridgeTarget): Promise<void> {
  const body = await readBody(req, 16 * 1024);
  let intent: unknown;
  try {
    intent = JSON.parse(body);
  } catch {
    return json(res, 400, { error: { code: 'INPUT_INVALID', message: 'intent is not JSON' } });
  }
  try {
    await target.send(intent);
  } catch (error) {
    if (error instanceof MadoguchiError && error.code === 'INPUT_INVALID')
      return json(res, 400, { error: { code: error.code, message: error.message } });
    throw error;
  }
  res.writeHead(204, securityHeaders).end();
}

async function handleScreenHold(req: http.IncomingMessage, res: http.ServerResponse, holds: ScreenHolds): Promise<void> {
  let request: ScreenHoldRequest;
  try {
    request = ScreenHoldRequest.parse(JSON.parse(await readBody(req, 1024)));
  } catch {
    return json(res, 400, { error: { code: 'INPUT_INVALID', message: 'not a screen hold' } });
  }
  holds.set(request);
  res.writeHead(204, securityHeaders).end();
}

async function serveStaticFile(res: http.ServerResponse, rendererDir: string, urlPath: string): Promise<void> {
  const file = resolveStaticPath(rendererDir, urlPath);
  if (!file) return json(res, 404, { error: { code: 'NOT_FOUND', message: 'not found' } });
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return json(res, 404, { error: { code: 'NOT_FOUND', message: 'not found' } });
  res.writeHead(200, {
    ...securityHeaders,
    'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
  });
  createReadStream(file).pipe(res);
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...securityHeaders, 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new MadoguchiError('INPUT_INVALID', 'intent too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
