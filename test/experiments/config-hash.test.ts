// The run's identity: canonical JSON and its hash. The committed records are keyed by it, so the
// hash of every one of them must stay what its file name says.
import { readdirSync, readFileSync } from 'node:fs';
import { RECORD_FILE } from '../../pipeline/records.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, configHash } from '../../experiments/config-hash.js';
import { resolveConfig } from '../../experiments/config.js';
import { runRecordSchema } from '../../data/schemas/run-record.js';
import { REPO } from '../analysis/committed.js';

describe('config identity', () => {
  it('serialises with sorted keys at every depth, arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
  });

  it('hashes equal configurations written in any key order alike', () => {
    const a = resolveConfig({ optimizer: { name: 'sgd', lr: 0.1 }, training: { seed: 3 } });
    const b = resolveConfig({ training: { seed: 3 }, optimizer: { lr: 0.1, name: 'sgd' } });
    expect(configHash(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(configHash(b)).toBe(configHash(a));
    expect(configHash(resolveConfig({ training: { seed: 4 } }))).not.toBe(configHash(resolveConfig({ training: { seed: 3 } })));
  });

  for (const scale of ['full', 'quick']) {
    const dir = join(REPO, 'data', scale, 'runs');
    let files: string[] = [];
    try {
      // Records only, by the pipeline's own rule (a run in progress keeps <id>.snapshot.json beside them).
      files = readdirSync(dir).filter((f) => RECORD_FILE.test(f));
    } catch {
      // no records of this scale
    }
    it.skipIf(files.length === 0)(
      `keeps the id of every ${scale} record: its file name, and the hash of its configuration resolved again`,
      () => {
        for (const file of files) {
          const record = runRecordSchema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
          const id = file.replace('.json', '');
          expect(record.id, file).toBe(id);
          expect(configHash(record.config), file).toBe(id);
          expect(configHash(resolveConfig(record.config)), file).toBe(id);
        }
      },
      120_000,
    );
  }
});
