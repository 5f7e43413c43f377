// vitest's global setup (vitest.config.ts): one folder per `vitest run` where test files keep what
// they build once and share (the browser tests' site, test/helpers/synthetic-site.ts); removed
// when the run ends. Nothing is built here, so a run without browser tests pays nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder this run's test files share what they build once in. */
    sharedBuilds: string;
  }
}

export default function setup(project: TestProject): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'ifs-shared-builds-'));
  project.provide('sharedBuilds', folder);
  return () => rmSync(folder, { recursive: true, force: true });
}
