// vitest's settings: the defaults, and a global setup that gives the test files of one run a folder
// to share what they build once (the browser tests' site). A test's time limit is a guard against a
// hang, not a measurement: 60 s (vitest's 5 s failed quick tests on a loaded 2-core machine).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { globalSetup: ['test/helpers/global-setup.ts'], testTimeout: 60_000 },
});
