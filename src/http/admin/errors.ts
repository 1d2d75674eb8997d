import type { FastifySchemaValidationError } from 'fastify/types/schema.js';

/**
 * Validation errors an operator can read: the field at fault and what it accepts, instead of
 * Ajv's "must be equal to constant" for each branch of a union.
 */
export function readableSchemaError(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const byPath = new Map<string, FastifySchemaValidationError[]>();
  for (const error of errors) {
    const path = `${dataVar}${error.instancePath.replaceAll('/', '.')}`;
    byPath.set(path, [...(byPath.get(path) ?? []), error]);
  }
  const messages = [...byPath].map(([path, found]) => `${path} ${describe(found)}`);
  return Object.assign(new Error(messages.join('; ')), { statusCode: 400, validation: errors });
}

function describe(errors: FastifySchemaValidationError[]): string {
  const allowed = errors.flatMap((error) => {
    const params = error.params as { allowedValue?: unknown; allowedValues?: unknown[] };
    if (error.keyword === 'const') return [params.allowedValue];
    if (error.keyword === 'enum') return params.allowedValues ?? [];
    return [];
  });
  if (allowed.length) return `must be one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`;
  const unknown = errors.find((error) => error.keyword === 'additionalProperties');
  if (unknown) return `has an unknown field "${(unknown.params as { additionalProperty: string }).additionalProperty}"`;
  const specific = errors.find((error) => error.keyword !== 'anyOf' && error.keyword !== 'type') ?? errors[0];
  const nullableType = errors.filter((error) => error.keyword === 'type').map((error) => (error.params as { type: string }).type);
  if (specific.keyword === 'type' && nullableType.length) return `must be ${nullableType.join(' or ')}`;
  return specific.message ?? 'is invalid';
}
