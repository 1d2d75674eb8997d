// Compiles the server (src → dist) so the CLI runs plain JavaScript and starts at once.
// Run through `npm run build:server` (npm puts tsc on the PATH); `npm install` runs it via `prepare`.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';

// Everything but the console, which `npm run build:console` builds into dist/console.
for (const entry of existsSync('dist') ? readdirSync('dist') : []) {
  if (entry !== 'console') rmSync(`dist/${entry}`, { recursive: true, force: true });
}
execFileSync('tsc', ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
// The SQL migrations are read at run time, beside the compiled migrate.js.
cpSync('src/store/migrations', 'dist/store/migrations', { recursive: true });
// Tests compare the sources with this stamp to know whether the build is current.
writeFileSync('dist/.built', new Date().toISOString());
