// Downloads the binary CIFAR-10 / CIFAR-100 archive, checks its md5 and extracts it with the
// system tar into DIR/cifar-10-batches-bin (or DIR/cifar-100-binary). Everything is written to
// temporary names first and renamed at the end, so DIR never holds a half-written dataset.
//   npm run fetch-data -- cifar10 --dir DIR      (then pass --data-dir DIR to the pipeline)
//   npm run fetch-data -- cifar10 --dir DIR --archive cifar-10-binary.tar.gz   (no download)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { CIFAR_LAYOUTS, cifarRecordBytes, type CifarKind } from './cifar.js';

export interface CifarArchive {
  url: string;
  md5: string;
}

export const CIFAR_ARCHIVES: Record<CifarKind, CifarArchive> = {
  cifar10: { url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530' },
  cifar100: { url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz', md5: '03b5dce01913d631647c71ecec9e9cb8' },
};

export async function md5OfFile(file: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

function runTar(args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('tar', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (err) => fail(new Error(`cannot run the system tar: ${err.message}`)));
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`tar ${args.join(' ')} failed with code ${code}: ${stderr.trim()}`))));
  });
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Checks that every binary file of the layout is in `folder` and is whole records. */
async function checkCifarFolder(kind: CifarKind, folder: string): Promise<void> {
  const layout = CIFAR_LAYOUTS[kind];
  const record = cifarRecordBytes(kind);
  for (const name of [...layout.train, ...layout.test]) {
    const file = join(folder, name);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      throw new Error(`${file} is missing from the extracted archive`);
    }
    if (size === 0 || size % record !== 0) {
      throw new Error(`${file} has ${size} bytes, not a whole number of ${record}-byte ${kind} records`);
    }
  }
}

export interface InstallOptions {
  kind: CifarKind;
  /** The folder that will hold cifar-10-batches-bin (or cifar-100-binary). */
  dir: string;
  /** The md5 the archive must have (the official one by default). */
  md5?: string;
  /** Replace an existing extracted folder. */
  force?: boolean;
}

/**
 * Verifies a downloaded archive and extracts it into `dir`: md5 check, `tar -xzf` into a
 * temporary folder inside `dir`, check of the expected files, then one rename. On any failure
 * nothing is left in `dir`. Returns the absolute path of the extracted folder.
 */
export async function installCifarArchive(archive: string, opts: InstallOptions): Promise<string> {
  const layout = CIFAR_LAYOUTS[opts.kind];
  const expected = (opts.md5 ?? CIFAR_ARCHIVES[opts.kind].md5).toLowerCase();
  const actual = await md5OfFile(archive);
  if (actual !== expected) {
    throw new Error(`${archive} has md5 ${actual}, expected ${expected}: the download is incomplete or corrupt; delete it and download again`);
  }
  const dir = resolve(opts.dir);
  const target = join(dir, layout.folder);
  if ((await isDirectory(target)) && !opts.force) {
    throw new Error(`${target} already exists; remove it or pass --force to replace it`);
  }
  await mkdir(dir, { recursive: true });
  const tmp = await mkdtemp(join(dir, `.${layout.folder}.tmp-`));
  try {
    await runTar(['-xzf', resolve(archive), '-C', tmp, '--no-same-owner']);
    const extracted = join(tmp, layout.folder);
    if (!(await isDirectory(extracted))) {
      throw new Error(`${archive} does not contain the folder ${layout.folder}/; is it the ${opts.kind} binary version?`);
    }
    await checkCifarFolder(opts.kind, extracted);
    if (opts.force) await rm(target, { recursive: true, force: true });
    await rename(extracted, target);
    return target;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Downloads `url` to `file` through a `.part` name, reporting progress on stderr. */
export async function download(url: string, file: string, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  const part = `${file}.part`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause;
    throw new Error(
      `download of ${url} failed (${cause?.message ?? (err as Error).message}); check the internet connection, or download the file elsewhere and pass --archive FILE`,
      { cause: err },
    );
  }
  if (!response.ok || response.body === null) {
    throw new Error(`download of ${url} failed: HTTP ${response.status} ${response.statusText}`);
  }
  const total = Number(response.headers.get('content-length') ?? 0);
  let received = 0;
  let lastReport = 0;
  const progress = new Transform({
    transform(chunk: Buffer, _enc, next) {
      received += chunk.length;
      if (received - lastReport >= 10 * 2 ** 20) {
        lastReport = received;
        const mb = (received / 2 ** 20).toFixed(0);
        log(total > 0 ? `  ${mb} / ${(total / 2 ** 20).toFixed(0)} MB` : `  ${mb} MB`);
      }
      next(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), progress, createWriteStream(part));
    await rename(part, file);
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
}

export async function main(argv: string[] = process.argv): Promise<void> {
  const program = new Command()
    .name('fetch-data')
    .description('Download and extract the binary CIFAR-10 or CIFAR-100 archive (needs internet).')
    .argument('<dataset>', 'cifar10 or cifar100')
    .requiredOption('--dir <dir>', 'folder that will hold cifar-10-batches-bin or cifar-100-binary')
    .option('--archive <file>', 'use an already downloaded .tar.gz instead of downloading')
    .option('--keep-archive', 'keep the downloaded .tar.gz in DIR')
    .option('--force', 'replace an existing extracted folder')
    .action(async (dataset: string, options: { dir: string; archive?: string; keepArchive?: boolean; force?: boolean }) => {
      if (dataset !== 'cifar10' && dataset !== 'cifar100') {
        program.error(`error: unknown dataset '${dataset}': use cifar10 or cifar100 (Fashion-MNIST comes with: apt-get install -y dataset-fashion-mnist)`);
      }
      const kind = dataset as CifarKind;
      const dir = resolve(options.dir);
      const target = join(dir, CIFAR_LAYOUTS[kind].folder);
      if (!options.force && (await isDirectory(target))) {
        try {
          await checkCifarFolder(kind, target);
        } catch (err) {
          throw new Error(`${target} exists but is incomplete (${(err as Error).message}); pass --force to replace it`, { cause: err });
        }
        console.log(`${target} is already there; pass --data-dir ${dir}`);
        return;
      }
      let archive = options.archive;
      let downloaded = false;
      if (archive === undefined) {
        const { url } = CIFAR_ARCHIVES[kind];
        await mkdir(dir, { recursive: true });
        archive = join(dir, basename(new URL(url).pathname));
        console.error(`downloading ${url} to ${archive}`);
        await download(url, archive);
        downloaded = true;
      }
      let folder: string;
      try {
        folder = await installCifarArchive(archive, { kind, dir, force: options.force });
      } catch (err) {
        if (downloaded) await rm(archive, { force: true }); // a bad download is not worth keeping
        throw err;
      }
      if (downloaded && !options.keepArchive) await rm(archive, { force: true });
      console.log(`${kind} is in ${folder}; pass --data-dir ${dir}`);
    });
  await program.parseAsync(argv);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(`fetch-data: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
