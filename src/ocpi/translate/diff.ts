/** Structural comparison of JSON values, reporting where they differ as JSON paths. */
import { childPath } from './context.js';

/** The JSON paths at which `a` and `b` differ; empty when they are deeply equal. */
export function differences(a: unknown, b: unknown, path = '$'): string[] {
  if (Object.is(a, b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.max(a.length, b.length);
    return Array.from({ length }, (_, index) => differences(a[index], b[index], `${path}[${index}]`)).flat();
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (key) => a[key] !== undefined || b[key] !== undefined,
    );
    return keys.flatMap((key) => differences(a[key], b[key], childPath(path, key)));
  }
  return [path];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
