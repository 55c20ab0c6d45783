/**
 * The console API's own OpenAPI document, generated from the console route table with zod 4's
 * JSON Schema output (the kiosk API's document, from @fastify/swagger, lists none of these routes).
 */
import { z } from 'zod';
import { CONSOLE_API_PREFIX, CONSOLE_SESSION_COOKIE, CSRF_HEADER, ErrorBody, consoleApi, type ConsoleRouteSpec } from '@madoguchi/shared';

const schemaOf = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });

function parametersOf(spec: ConsoleRouteSpec) {
  const list = (schema: z.ZodObject | undefined, where: 'path' | 'query') =>
    Object.entries(schema?.shape ?? {}).map(([name, field]) => ({
      name,
      in: where,
      required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      schema: schemaOf(field as z.ZodType, 'input'),
    }));
  return [...list(spec.params, 'path'), ...list(spec.query, 'query')];
}

function operationOf(name: string, spec: ConsoleRouteSpec) {
  const error = { description: 'A catalog error', content: { 'application/json': { schema: schemaOf(ErrorBody, 'output') } } };
  return {
    operationId: name,
    summary: spec.summary,
    'x-permission': spec.permission,
    ...(spec.permission === 'public' ? { security: [] } : {}),
    parameters: [
      ...parametersOf(spec),
      ...(spec.method !== 'GET' && spec.permission !== 'public'
        ? [{ name: CSRF_HEADER, in: 'header', required: true, schema: { type: 'string' } }]
        : []),
    ],
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(spec.body, 'input') } } } } : {}),
    responses: {
      200: { description: 'OK', content: { 'application/json': { schema: schemaOf(spec.response, 'output') } } },
      '4XX': error,
      '5XX': error,
    },
  };
}

let cached: object | undefined;

export function consoleOpenApiDocument(): object {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, spec] of Object.entries(consoleApi) as [string, ConsoleRouteSpec][]) {
    const path = `${CONSOLE_API_PREFIX}${spec.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
    (paths[path] ??= {})[spec.method.toLowerCase()] = operationOf(name, spec);
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Madoguchi issuance center — staff console API',
      version: '1.0.0',
      description:
        'Built from the console route table, packages/shared/src/api/console-routes.ts. A staff session cookie ' +
        `(${CONSOLE_SESSION_COOKIE}, from POST ${CONSOLE_API_PREFIX}/session) opens it, never a kiosk certificate; ` +
        `every state-changing call carries the session's CSRF token in ${CSRF_HEADER}. x-permission names what each route needs.`,
    },
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: CONSOLE_SESSION_COOKIE } } },
    security: [{ session: [] }],
    paths,
  };
  return cached;
}
