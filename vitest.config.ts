import { defineConfig } from 'vitest/config'
import { NO_DATA_DIR } from './tests/helpers/paths'

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
    // No test may need the default ports free or touch the default data directory (a store's hub may be running
    // on both): the set-up holds the ports, and a hub or CLI started without a data directory gets one that cannot
    // be created. See README, "Testing".
    globalSetup: ['tests/helpers/default-ports.ts'],
    env: { TAPDROP_TEST: '1', TAPDROP_DATA_DIR: NO_DATA_DIR },
  },
})
