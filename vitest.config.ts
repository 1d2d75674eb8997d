import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Builds dist/ when the sources are newer: the CLI tests run the compiled server.
    globalSetup: ['test/support/build.ts'],
    // Sized for a loaded 2-core machine (a hub start alone can take 30 s there); tests await events,
    // so these only bound how long a hang takes to report.
    testTimeout: 120_000,
    hookTimeout: 240_000,
    // Every test file starts its own hub and partners on loopback ports; two cores run two files at once.
    pool: 'forks',
    maxWorkers: 2,
  },
});
