import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { FormatRegistry } from '@sinclair/typebox';
import { isRealDateTime } from './time.js';

// JSON Schema's `date-time` format, held to real calendar instants (see isRealDateTime).
FormatRegistry.Set('date-time', isRealDateTime);

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; path: string; message: string };

export type Validator<T> = (value: unknown) => ValidationResult<T>;

/**
 * Schema slot for the message shown when a string fails its `pattern`. A symbol, not a keyword,
 * so the schemas stay plain JSON Schema for Ajv/Fastify (which reject unknown keywords).
 */
const PatternMessage = Symbol.for('switchyard.ocpi.patternMessage');

/** Attaches a readable message for pattern failures, e.g. "must be an RFC 3339 date-time". */
export function withPatternMessage<T extends TSchema>(schema: T, message: string): T {
  return Object.assign(schema, { [PatternMessage]: message });
}

const cache = new WeakMap<TSchema, Validator<unknown>>();

/** Compiles (once per schema object) a validator that names the JSON path at fault. */
export function compileValidator<T extends TSchema>(schema: T): Validator<Static<T>> {
  let validator = cache.get(schema);
  if (!validator) {
    const compiled = TypeCompiler.Compile(schema);
    validator = (value) => {
      if (compiled.Check(value)) return { ok: true, value };
      const error = mostUseful(compiled.Errors(value).First());
      if (!error) return { ok: false, path: '$', message: 'is invalid' };
      return { ok: false, path: jsonPath(error.path, value), message: messageOf(error) };
    };
    cache.set(schema, validator);
  }
  return validator as Validator<Static<T>>;
}

/** Takes the first error; for a union of objects, descends into the variant that got furthest. */
function mostUseful(error: ValueError | undefined): ValueError | undefined {
  if (!error || error.type !== ValueErrorType.Union || literalsOf(error.schema)) return error;
  let best: ValueError | undefined;
  for (const variant of error.errors) {
    const candidate = mostUseful(variant.First());
    if (candidate && (!best || depth(candidate.path) > depth(best.path))) best = candidate;
  }
  return best ?? error;
}

const depth = (pointer: string) => pointer.split('/').length;

/** The allowed values when every member of a union is a literal, else undefined. */
function literalsOf(schema: TSchema): unknown[] | undefined {
  const members: TSchema[] | undefined = schema.anyOf;
  if (!members?.every((member) => 'const' in member)) return undefined;
  return members.map((member) => member.const);
}

function messageOf(error: ValueError): string {
  const schema = error.schema;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.Union: {
      const literals = literalsOf(schema);
      return literals ? `must be one of ${literals.join(', ')}` : 'does not match any allowed shape';
    }
    case ValueErrorType.Literal:
      return `must be ${JSON.stringify(schema.const)}`;
    case ValueErrorType.StringPattern:
      return (schema as { [PatternMessage]?: string })[PatternMessage] ?? `must match the pattern ${schema.pattern}`;
    case ValueErrorType.StringFormat:
      return schema.format === 'date-time' ? 'must be a real date and time (no such day or second exists)' : `must be a ${schema.format}`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${schema.maxLength} characters`;
    case ValueErrorType.StringMinLength:
      return `must be at least ${schema.minLength} characters`;
    case ValueErrorType.ArrayMinItems:
      return `must have at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${schema.maxItems} items`;
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return `must be at least ${schema.minimum}`;
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return `must be at most ${schema.maximum}`;
    case ValueErrorType.String:
      return 'must be a string';
    case ValueErrorType.Integer:
      return 'must be an integer';
    case ValueErrorType.Number:
      return 'must be a number';
    case ValueErrorType.Boolean:
      return 'must be a boolean';
    case ValueErrorType.Object:
      return 'must be an object';
    case ValueErrorType.Array:
      return 'must be an array';
    default:
      return error.message;
  }
}

/**
 * Turns TypeBox's JSON pointer (`/evses/0/uid`) into a JSON path (`$.evses[0].uid`). Walks the value
 * alongside, since a pointer cannot tell an array index from an object key "0".
 */
function jsonPath(pointer: string, root: unknown): string {
  if (pointer === '') return '$';
  let path = '$';
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) path += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) path += `.${key}`;
    else path += `[${JSON.stringify(key)}]`;
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return path;
}
