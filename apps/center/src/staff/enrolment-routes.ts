/** The enrolment link's routes (public: the link's token is the credential). */
import type { FastifyInstance } from 'fastify';
import type { CenterContext } from '../http/context.js';

export function registerEnrolmentRoutes(_context: CenterContext, _app: FastifyInstance): void {}
