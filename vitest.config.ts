import { defineConfig } from 'vitest/config'

// Tests hit real things (SQLite files, HTTP on 127.0.0.1, Chromium, ffmpeg), so timeouts are generous and
// workers are capped to the machine's two cores. scripts/test.mjs runs the browser tests in a second, serial pass.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    env: { TAPDROP_TEST: '1' },
  },
})
