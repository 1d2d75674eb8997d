/**
 * Test support, for the per-version `examples.test.ts` only: checks the spec's example documents of one
 * OCPI version against the schema each must satisfy, or, for a known spec bug, the error it must give.
 */
import type { TSchema } from '@sinclair/typebox';
import { expect, it } from 'vitest';
import { loadExamples, unparseableFiles, type SpecExample, type SpecVersion } from './translate/test-support.js';
import { compileValidator } from './validation.js';

/** An example that breaks the spec text: it must fail, at this path, for the reason given. */
export interface Violation {
  path: string;
  message: string;
  reason: string;
}

export interface Expectation {
  schema: TSchema;
  violates?: Violation;
}

export interface ExampleExpectations {
  version: SpecVersion;
  /** File name → the schema it must satisfy (or violate). */
  expectations: Record<string, Expectation>;
  /** Examples of modules the version's schemas do not model; they need no expectation. */
  notModelled?: (file: string) => boolean;
}

/** Declares the example tests of one version; call it inside that version's `describe`. */
export function specExampleTests({ version, expectations, notModelled }: ExampleExpectations): void {
  const examples = loadExamples(version);
  itParsesWhereListed(version, examples);
  itMapsEveryExample(examples, expectations, notModelled);
  for (const [file, expectation] of Object.entries(expectations)) {
    itMeetsExpectation(file, expectation, examples);
  }
}

// A file that stops (or starts) parsing is a change in the shared examples, not in our schemas.
function itParsesWhereListed(version: SpecVersion, examples: SpecExample[]): void {
  it('fail to parse exactly where UNPARSEABLE.txt says', () => {
    const unparseable = examples.filter((example) => example.value === undefined).map((example) => example.file);
    expect(unparseable).toEqual(unparseableFiles(version));
  });
}

// Keeps the expectation table in step with the folder: no example goes unchecked, none is stale.
function itMapsEveryExample(
  examples: SpecExample[],
  expectations: Record<string, Expectation>,
  notModelled?: (file: string) => boolean,
): void {
  const title = notModelled
    ? 'each parseable example of a modelled module has an expected schema, and none is stale'
    : 'each parseable example has an expected schema, and none is stale';
  it(title, () => {
    const parseable = examples
      .filter((example) => example.value !== undefined && !notModelled?.(example.file))
      .map((example) => example.file);
    expect(Object.keys(expectations).sort()).toEqual(parseable);
  });
}

function itMeetsExpectation(file: string, { schema, violates }: Expectation, examples: SpecExample[]): void {
  const result = () => compileValidator(schema)(documentOf(file, examples));
  if (violates) {
    it(`${file} violates the spec: ${violates.reason}`, () => {
      expect(result()).toEqual({ ok: false, path: violates.path, message: violates.message });
    });
  } else {
    it(`${file} validates`, () => {
      expect(result()).toMatchObject({ ok: true });
    });
  }
}

// Throws rather than validating `undefined`, so a missing file is reported as such, not as a schema error.
function documentOf(file: string, examples: SpecExample[]): unknown {
  const value = examples.find((example) => example.file === file)?.value;
  if (value === undefined) throw new Error(`${file} is missing or does not parse`);
  return value;
}
