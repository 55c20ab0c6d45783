/**
 * The center's HTTP layer (`@madoguchi/center/http`). app.ts wires it itself; tests that mount one
 * plugin on their own Fastify instance install the same error handling, so their answers are the
 * center's catalog error bodies.
 */
export { installErrorHandling, sendError } from './error-handler.js';
