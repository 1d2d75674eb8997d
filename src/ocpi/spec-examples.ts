/**
 * Test support: where the OCPI spec's example documents are. They are not part of the repository:
 * the setting SWITCHYARD_OCPI_EXAMPLES names their folder (relative paths from the repository root;
 * default `../shared/ocpi-examples`, beside it). Tests that need them are skipped, saying why, when the
 * folder is absent, unless SWITCHYARD_REQUIRE_OCPI_EXAMPLES=1 (CI) makes their absence an error.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

const SETTING = 'SWITCHYARD_OCPI_EXAMPLES';
const REQUIRED = 'SWITCHYARD_REQUIRE_OCPI_EXAMPLES';
const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

export const specExamplesFolder = path.resolve(repositoryRoot, process.env[SETTING] ?? '../shared/ocpi-examples');
export const specExamplesPresent = existsSync(specExamplesFolder);

const absence = `the OCPI spec examples are not at ${specExamplesFolder} (set ${SETTING} to their folder)`;
if (!specExamplesPresent && process.env[REQUIRED] === '1') {
  throw new Error(`${REQUIRED}=1 but ${absence}`);
}
if (!specExamplesPresent) console.warn(`Skipping spec-example tests: ${absence}.`);

/** `describe` for tests that read the spec examples: skipped, with the reason in its name, without them. */
export function describeWithSpecExamples(name: string, tests: () => void): void {
  describe.skipIf(!specExamplesPresent)(specExamplesPresent ? name : `${name} (skipped: ${absence})`, tests);
}

/** `it` for a test that reads the spec examples. */
export function itWithSpecExamples(name: string, test: () => unknown): void {
  it.skipIf(!specExamplesPresent)(specExamplesPresent ? name : `${name} (skipped: ${absence})`, test);
}
