/**
 * Vitest global setup: tests that start the CLI run the compiled server (dist/), as operators do.
 * `npm install` builds it; this rebuilds it once per run when a source changed since.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'dist/.built';
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build-server.js'];

export default function buildServerWhenStale(): void {
  if (existsSync(STAMP) && newestInput() <= statSync(STAMP).mtimeMs) return;
  execFileSync('npm', ['run', '--silent', 'build:server'], { stdio: 'inherit' });
}

function newestInput(): number {
  let newest = 0;
  for (const input of INPUTS) {
    const files = statSync(input).isDirectory()
      ? readdirSync(input, { recursive: true, encoding: 'utf8' }).map((file) => join(input, file))
      : [input];
    for (const file of files) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}
