// `npm run bench -- <name> [options]` runs bench/<name>.bench.ts; without a name, the routing benchmark.
import { readdirSync } from 'node:fs';

const benchmarks = readdirSync(new URL('.', import.meta.url))
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length));

const name = process.argv[2] && !process.argv[2].startsWith('-') ? process.argv[2] : 'routing';
if (!benchmarks.includes(name)) {
  console.error(`Unknown benchmark "${name}". Available: ${benchmarks.sort().join(', ')}`);
  process.exit(2);
}
// The benchmark reads its own options from what follows its name.
if (process.argv[2] === name) process.argv.splice(2, 1);
await import(`./${name}.bench.ts`);
