#!/usr/bin/env node
// Runs the compiled server (dist/, built by `npm install` through the `prepare` script).
try {
  await import('../dist/cli/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli/main.js')) throw error;
  console.error('switchyard is not built yet: run `npm run build` (npm install does it) in its folder.');
  process.exitCode = 1;
}
