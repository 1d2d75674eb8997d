import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every test file starts its own hub and partners on loopback ports; two cores run two files at once.
    pool: 'forks',
    maxWorkers: 2,
  },
});
