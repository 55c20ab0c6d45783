/** Staff accounts and API tokens through the console. */
import type { FastifyInstance } from 'fastify';
import type { CenterContext } from '../http/context.js';

export function registerAccountRoutes(_context: CenterContext, _app: FastifyInstance): void {}
