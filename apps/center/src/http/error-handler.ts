/**
 * Every error leaves the center as the shared ErrorBody: a catalog code and its ja/en messages.
 * A 5xx never shows its cause (the catalog's INTERNAL message, or the code's own fixed message);
 * the detail goes to the log, which never holds personal data (details are codes and ids).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { MadoguchiError, errorCatalog, type ErrorCode } from '@madoguchi/shared';
import { errorBodyOf } from '../issuance/idempotency.js';

export function sendError(reply: FastifyReply, code: ErrorCode, issues?: readonly { path: string; message: string }[]): FastifyReply {
  return reply.code(errorCatalog[code].status).type('application/json').send(errorBodyOf(code, issues));
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | MadoguchiError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof MadoguchiError) {
      const level = error.status >= 500 ? 'error' : 'info';
      request.log[level]({ code: error.code, detail: error.detail }, 'refused');
      return sendError(reply, error.code, error.issues);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({
        path: `${error.validationContext ?? ''}${v.instancePath}`,
        message: v.message ?? 'invalid',
      }));
      request.log.info({ code: 'INPUT_INVALID', issues: issues.map((i) => i.path) }, 'invalid input');
      return sendError(reply, 'INPUT_INVALID', issues);
    }
    const status = (error as FastifyError).statusCode ?? 500;
    if (status === 429) return sendError(reply, 'RATE_LIMITED');
    if (status >= 400 && status < 500) {
      request.log.info({ code: 'INPUT_INVALID', fastifyCode: (error as FastifyError).code }, 'bad request');
      return sendError(reply, status === 404 ? 'NOT_FOUND' : 'INPUT_INVALID');
    }
    request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'internal error');
    return sendError(reply, 'INTERNAL');
  });
}

/** How long a refused client may go on sending before its connection is destroyed anyway. */
export const REFUSAL_LINGER_MS = 5_000;
const answered = new WeakSet<Socket>();

/**
 * What Node's HTTP parser refuses before Fastify sees a request (a request line or headers over the
 * size limit, a malformed request, a request too slow to arrive) gets the catalog's INPUT_INVALID
 * body under the status Node chose, as Fastify's default handler does with a body of its own.
 *
 * The refusal is written, then the connection is ended, not destroyed: a client may still be sending
 * its long request, and closing a socket while its bytes arrive makes the kernel answer them with a
 * reset, which throws away the refusal the client has not read yet. The server goes on reading and
 * discarding what comes (the parser keeps refusing it; those repeated calls land here and are
 * ignored) until the client closes, or destroys the socket after REFUSAL_LINGER_MS.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer; an answered one is only draining.
  if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
  // A renegotiation the center refuses (app.ts) stops the connection mid-handshake: no HTTP answer can reach the client.
  if (error.code === 'ERR_TLS_RENEGOTIATION_DISABLED') {
    socket.destroy();
    return;
  }
  answered.add(socket);
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify(errorBodyOf('INPUT_INVALID'));
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const backstop = setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS);
  backstop.unref();
  socket.once('close', () => clearTimeout(backstop));
  // The client half-closing (or the other end of a dead client going away) ends the linger early.
  socket.once('end', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
  );
  // A paused socket would stop reading and its full buffer would stall the client: keep it flowing.
  socket.resume();
}
