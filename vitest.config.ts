import { defineConfig } from 'vitest/config';

// Tests named *.tz.test.ts run once per time zone: the stored and compared values must not depend on TZ.
const TZS = ['UTC', 'Asia/Seoul', 'America/New_York'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { test: { name: 'main', include: ['test/**/*.test.ts'], exclude: ['test/**/*.tz.test.ts', 'node_modules/**'], testTimeout: 60_000, hookTimeout: 60_000 } },
      ...TZS.map((tz) => ({
        test: { name: `tz:${tz}`, include: ['test/**/*.tz.test.ts'], env: { TZ: tz }, testTimeout: 60_000, hookTimeout: 60_000 },
      })),
    ],
  },
});
