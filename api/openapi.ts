/**
 * The OpenAPI 3.1 document, generated from the route declarations with zod's own JSON Schema
 * conversion (OpenAPI 3.1 uses JSON Schema 2020-12).
 */
import * as z from 'zod';
import type { RouteDef } from './route';

const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  return rest;
}

function parameters(route: RouteDef) {
  const from = (where: 'path' | 'query', object: z.ZodObject | undefined) =>
    Object.entries(object?.shape ?? {}).map(([name, schema]) => ({
      name,
      in: where,
      required: where === 'path' || !(schema as z.ZodType).safeParse(undefined).success,
      schema: jsonSchema(schema as z.ZodType, 'input'),
    }));
  return [
    ...from('path', route.params),
    ...from('query', route.query),
    ...(route.idempotent
      ? [{ name: 'Idempotency-Key', in: 'header', required: false, description: 'Repeating the request with the same key has one effect', schema: { type: 'string', minLength: 8, maxLength: 128 } }]
      : []),
  ];
}

export function openApiDocument(routes: readonly RouteDef[], info: { title: string; version: string; description: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const params = parameters(route);
    paths[route.path] ??= {};
    paths[route.path]![route.method] = {
      summary: route.summary,
      tags: route.tags,
      ...(route.public ? {} : { security: [{ Bearer: [] }] }),
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.documentedBody ?? route.body, 'input') } } } }
        : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => {
          const problem = Number(status) >= 400;
          const schema = problem ? Problem : response.schema;
          const type = problem ? 'application/problem+json' : 'application/json';
          return [status, { description: response.description, ...(schema ? { content: { [type]: { schema: jsonSchema(schema, 'output') } } } : {}) }];
        }),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info,
    components: { securitySchemes: { Bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
