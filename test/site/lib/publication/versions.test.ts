// The data version a citation names: a content hash of the dataset files, kept between calls
// only while the files stay as they were.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASET_NAMES } from '../../../../data/schemas/datasets.js';
import { dataVersion } from '../../../../site/lib/publication/versions.js';
import { writeSyntheticDatasets } from '../../../../pipeline/synthetic-study.js';

/** The version computed from the files as the definition says, without any keeping. */
function hashOf(folder: string): string {
  const hash = createHash('sha256');
  for (const name of DATASET_NAMES) hash.update(`${name}\n`).update(readFileSync(join(folder, `${name}.json`)));
  return hash.digest('hex').slice(0, 12);
}

describe('the data version', () => {
  it('is the hash of the dataset files, and follows a change of any of them', () => {
    const root = mkdtempSync(join(tmpdir(), 'data-version-'));
    writeSyntheticDatasets(root, { scale: 'quick' });
    const folder = join(root, 'quick', 'datasets');
    const first = dataVersion(folder);
    expect(first).toBe(hashOf(folder));
    expect(dataVersion(folder)).toBe(first);
    // The same size, other bytes: the version follows.
    const file = join(folder, 'runs.json');
    const text = readFileSync(file, 'utf8');
    const changed = text.replace(/"scale":"quick"|"scale": "quick"/, (m) => m.replace('quick', 'QUICK'));
    expect(changed.length).toBe(text.length);
    expect(changed).not.toBe(text);
    writeFileSync(file, changed);
    expect(dataVersion(folder)).toBe(hashOf(folder));
    expect(dataVersion(folder)).not.toBe(first);
    writeFileSync(file, text);
    expect(dataVersion(folder)).toBe(first);
  });
});
