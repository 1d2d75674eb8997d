import { Type, type TSchema } from '@sinclair/typebox';
import { parseParty, type PartyRef } from '../../ocpi/headers.js';

/** Schemas and argument checks shared by the admin API's routes. */

export const ErrorReply = Type.Object({ error: Type.String(), message: Type.String() });

// Null first: Fastify's Ajv coerces types, and a string branch tried first would turn null into "".
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([Type.Null(), schema]);

/** A 400 in the shape of Fastify's own validation errors. */
export const badRequest = (message: string) => Object.assign(new Error(message), { statusCode: 400 });

/** A request refused for who asks (403) or for what it names that the asker may not see (404). */
export const refusal = (statusCode: 403 | 404, message: string) => Object.assign(new Error(message), { statusCode });

/** A party as the operator writes it, for schemas' documentation. */
export const PartyText = (description: string) =>
  Type.String({ description: `${description}, as CC*PID (e.g. US*ABC)`, examples: ['US*ABC'] });

/** The party an operator named; a 400 that says the expected form when the text is not one. */
export function partyArgument(text: string, field: string): PartyRef {
  const party = parseParty(text);
  if (!party) throw badRequest(`${field} must be a party as CC*PID (e.g. US*ABC), not "${text}"`);
  return party;
}

/**
 * A preValidation hook that refuses fields the schema does not name, at any depth: Fastify's Ajv
 * strips them silently, and a misspelled setting must not pass for the default.
 */
export function refuseUnknownFields(schema: TSchema) {
  return async (request: { body?: unknown }) => {
    const unknown = unknownFields(request.body, schema, 'body');
    if (unknown.length) throw badRequest(unknown.join('; '));
  };
}

function unknownFields(value: unknown, schema: TSchema, path: string): string[] {
  if (Array.isArray(value)) return schema.items ? value.flatMap((item, i) => unknownFields(item, schema.items as TSchema, `${path}[${i}]`)) : [];
  const properties = schema.properties as Record<string, TSchema> | undefined;
  if (!value || typeof value !== 'object' || !properties) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key in properties
      ? unknownFields(child, properties[key], `${path}.${key}`)
      : [`${path}.${key} is an unknown field (known: ${Object.keys(properties).join(', ')})`],
  );
}
