/**
 * Values 2.2.1 writes more freely than 2.1.1 accepts, rewritten by walking the value along the 2.1.1
 * schema: DateTimes lose fractional seconds and offsets (2.1.1: UTC, whole seconds), coordinates get
 * exactly six decimals, strings are transliterated to ASCII. Fields the schema does not know are left
 * as they are, and the input is never modified.
 */
import type { TSchema } from '@sinclair/typebox';
import { Decimal } from '../decimal.js';
import { Format211, type Format211Kind } from '../../v2_1_1/types.js';
import type { LossLog } from '../context.js';

export function conform211<T>(schema: TSchema, value: T, log: LossLog): T {
  const format = (schema as { [Format211]?: Format211Kind })[Format211];
  if (typeof value === 'string') {
    if (format === 'date-time') return dateTime211(value, log) as T;
    if (format) return coordinate211(value, log) as T;
    if (schema.type === 'string') return ascii211(value, log) as T;
    return value;
  }
  if (Array.isArray(value) && schema.type === 'array' && schema.items) {
    let changed = false;
    const items = value.map((item, index) => {
      const next = conform211(schema.items as TSchema, item, log.at(index));
      changed ||= next !== item;
      return next;
    });
    return (changed ? items : value) as T;
  }
  if (isPlainObject(value) && schema.type === 'object' && schema.properties) {
    let copy: Record<string, unknown> | undefined;
    for (const [key, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
      if (value[key] === undefined) continue;
      const next = conform211(property, value[key], log.at(key));
      if (next !== value[key]) (copy ??= { ...value })[key] = next;
    }
    return (copy ?? value) as T;
  }
  return value;
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/;

function dateTime211(value: string, log: LossLog): string {
  const match = DATE_TIME.exec(value);
  if (!match) return value;
  const [, seconds, fraction, zone] = match;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const utc = `${new Date(value).toISOString().slice(0, 19)}Z`;
    log.approximated(undefined, `2.1.1 DateTimes are UTC without fractions: ${value} became ${utc}`);
    return utc;
  }
  if (fraction || zone === 'z') {
    const whole = zone ? `${seconds}Z` : seconds;
    log.approximated(undefined, `2.1.1 DateTimes are whole seconds with an upper-case Z: ${value} became ${whole}`);
    return whole;
  }
  return value;
}

function coordinate211(value: string, log: LossLog): string {
  if (!/^-?[0-9]+\.[0-9]+$/.test(value) || /\.[0-9]{6}$/.test(value)) return value;
  const fixed = new Decimal(value).toFixed(6, Decimal.ROUND_HALF_UP);
  log.approximated(undefined, `2.1.1 coordinates have exactly 6 decimals: ${value} became ${fixed}`);
  return fixed;
}

/** Letters that Unicode decomposition does not reduce to ASCII. */
const ASCII_SPELLING: Record<string, string> = {
  ß: 'ss', Æ: 'AE', æ: 'ae', Ø: 'O', ø: 'o', Œ: 'OE', œ: 'oe', Ł: 'L', ł: 'l', Đ: 'D', đ: 'd',
  Þ: 'Th', þ: 'th', ð: 'd', ı: 'i', '‘': "'", '’': "'", '“': '"', '”': '"', '–': '-', '—': '-',
};

function ascii211(value: string, log: LossLog): string {
  if (/^[\x20-\x7E]*$/.test(value)) return value;
  const ascii = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036F]/g, '')
    .replace(/[^\x20-\x7E]/g, (char) => ASCII_SPELLING[char] ?? '?');
  log.approximated(undefined, `2.1.1 strings are ASCII only: "${value}" became "${ascii}"`);
  return ascii;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
