// vitest's settings: the defaults, and a global setup that gives the test files of one run a folder
// to share what they build once (the browser tests' site).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { globalSetup: ['test/helpers/global-setup.ts'] },
});
