import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../experiments/data/dataset.js';
import { CIFAR_ARCHIVES, installCifarArchive, md5OfFile } from '../../../experiments/data/fetch-cifar.js';
import { cifarRecord } from '../../helpers/dataset-files.js';

// The download itself needs the network; everything after it (md5, tar, checks, rename) is tested
// here on tiny archives built with the system tar.

let root: string;
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fetch-cifar-test-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A record of one colour: every pixel byte `fill`. */
function record(labels: number[], fill: number): Buffer {
  return cifarRecord(labels, () => fill);
}

/** Builds `<name>.tar.gz` holding `folder/` with the given files; returns the archive and its md5. */
async function buildArchive(folder: string, files: Record<string, Buffer>): Promise<{ archive: string; md5: string }> {
  const stage = join(root, `stage-${counter++}`);
  await mkdir(join(stage, folder), { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(stage, folder, name), bytes);
  const archive = join(root, `archive-${counter++}.tar.gz`);
  execFileSync('tar', ['-czf', archive, '-C', stage, folder]);
  const md5 = createHash('md5')
    .update(await readFile(archive))
    .digest('hex');
  return { archive, md5 };
}

function cifar10Files(): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (let b = 1; b <= 5; b++) files[`data_batch_${b}.bin`] = Buffer.concat([record([b], 10 * b), record([b + 1], 10 * b + 1)]);
  files['test_batch.bin'] = record([0], 99);
  return files;
}

async function freshDir(): Promise<string> {
  const dir = join(root, `dest-${counter++}`);
  await mkdir(dir);
  return dir;
}

describe('installCifarArchive', () => {
  it('computes the md5 of a file', async () => {
    const file = join(root, 'md5.txt');
    await writeFile(file, 'abc');
    expect(await md5OfFile(file)).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('knows the official archives', () => {
    expect(CIFAR_ARCHIVES.cifar10).toEqual({
      url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
      md5: 'c32a1d4ab5d03f1284b67883e8d87530',
    });
    expect(CIFAR_ARCHIVES.cifar100).toEqual({
      url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
      md5: '03b5dce01913d631647c71ecec9e9cb8',
    });
  });

  it('verifies and extracts a CIFAR-10 archive that the loader then reads', async () => {
    const { archive, md5 } = await buildArchive('cifar-10-batches-bin', cifar10Files());
    const dir = await freshDir();
    const folder = await installCifarArchive(archive, { kind: 'cifar10', dir, md5 });
    expect(folder).toBe(join(dir, 'cifar-10-batches-bin'));
    expect(await readdir(dir)).toEqual(['cifar-10-batches-bin']); // no temporary folder left
    expect((await readdir(folder)).sort()).toEqual(Object.keys(cifar10Files()).sort());
    const ds = await loadDataset({ name: 'cifar10', dir, seed: 0 });
    expect(ds.train.count).toBe(10);
    expect(Array.from(ds.train.labels)).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
    expect(ds.test.count).toBe(1);
  });

  it('verifies and extracts a CIFAR-100 archive', async () => {
    const { archive, md5 } = await buildArchive('cifar-100-binary', {
      'train.bin': Buffer.concat([record([3, 77], 1), record([0, 2], 2)]),
      'test.bin': record([19, 99], 3),
    });
    const dir = await freshDir();
    await installCifarArchive(archive, { kind: 'cifar100', dir, md5: md5.toUpperCase() });
    const ds = await loadDataset({ name: 'cifar100', dir, seed: 0 });
    expect(Array.from(ds.train.labels)).toEqual([77, 2]);
    expect(Array.from(ds.test.labels)).toEqual([99]);
  });

  it('creates the destination folder when needed', async () => {
    const { archive, md5 } = await buildArchive('cifar-10-batches-bin', cifar10Files());
    const dir = join(await freshDir(), 'a', 'b');
    await installCifarArchive(archive, { kind: 'cifar10', dir, md5 });
    expect(await readdir(dir)).toEqual(['cifar-10-batches-bin']);
  });

  it('rejects an archive whose md5 is wrong and writes nothing', async () => {
    const { archive, md5 } = await buildArchive('cifar-10-batches-bin', cifar10Files());
    const dir = await freshDir();
    await expect(installCifarArchive(archive, { kind: 'cifar10', dir })).rejects.toThrow(
      new RegExp(`has md5 ${md5}, expected ${CIFAR_ARCHIVES.cifar10.md5}: the download is incomplete or corrupt`),
    );
    await expect(installCifarArchive(archive, { kind: 'cifar10', dir, md5: '0'.repeat(32) })).rejects.toThrow(/md5/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects an archive missing a batch and leaves nothing behind', async () => {
    const files = cifar10Files();
    delete files['test_batch.bin'];
    const { archive, md5 } = await buildArchive('cifar-10-batches-bin', files);
    const dir = await freshDir();
    await expect(installCifarArchive(archive, { kind: 'cifar10', dir, md5 })).rejects.toThrow(/test_batch\.bin is missing from the extracted archive/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects a batch that is not whole records', async () => {
    const files = cifar10Files();
    files['data_batch_2.bin'] = files['data_batch_2.bin'].subarray(0, 5000);
    const { archive, md5 } = await buildArchive('cifar-10-batches-bin', files);
    const dir = await freshDir();
    await expect(installCifarArchive(archive, { kind: 'cifar10', dir, md5 })).rejects.toThrow(
      /data_batch_2\.bin has 5000 bytes, not a whole number of 3073-byte cifar10 records/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects the wrong archive (the CIFAR-100 folder when CIFAR-10 is asked for)', async () => {
    const { archive, md5 } = await buildArchive('cifar-100-binary', { 'train.bin': record([0, 0], 0), 'test.bin': record([0, 0], 0) });
    const dir = await freshDir();
    await expect(installCifarArchive(archive, { kind: 'cifar10', dir, md5 })).rejects.toThrow(/does not contain the folder cifar-10-batches-bin\//);
    expect(await readdir(dir)).toEqual([]);
  });

  it('reports a file that is not a tar.gz and leaves nothing behind', async () => {
    const archive = join(root, 'not-an-archive.tar.gz');
    await writeFile(archive, 'this is not gzip data');
    const md5 = createHash('md5').update('this is not gzip data').digest('hex');
    const dir = await freshDir();
    await expect(installCifarArchive(archive, { kind: 'cifar10', dir, md5 })).rejects.toThrow(/tar -xzf .* failed/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses to overwrite an existing folder unless forced', async () => {
    const first = await buildArchive('cifar-10-batches-bin', cifar10Files());
    const files = cifar10Files();
    files['test_batch.bin'] = Buffer.concat([record([8], 1), record([9], 2)]);
    const second = await buildArchive('cifar-10-batches-bin', files);
    const dir = await freshDir();
    await installCifarArchive(first.archive, { kind: 'cifar10', dir, md5: first.md5 });
    await expect(installCifarArchive(second.archive, { kind: 'cifar10', dir, md5: second.md5 })).rejects.toThrow(
      /cifar-10-batches-bin already exists; remove it or pass --force/,
    );
    expect((await loadDataset({ name: 'cifar10', dir, seed: 0 })).test.count).toBe(1);
    await installCifarArchive(second.archive, { kind: 'cifar10', dir, md5: second.md5, force: true });
    expect(await readdir(dir)).toEqual(['cifar-10-batches-bin']);
    const ds = await loadDataset({ name: 'cifar10', dir, seed: 0 });
    expect(Array.from(ds.test.labels)).toEqual([8, 9]);
  });
});
