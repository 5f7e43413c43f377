// The one writer of every output (records, snapshots, datasets, schemas, figure files, caches): a
// temporary file beside the target, every byte written, fsync, rename; or, on any failure, the
// temporary file removed and an error that names the file. A reader never sees half a file and a
// full disk never replaces a good file with a truncated one.
import * as nodeFs from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Fault injection for the tests that kill a writer halfway (test/data/atomic-write.test.ts,
 * test/pipeline/all-or-nothing.test.ts): with IFS_PAUSE_AT set, the process stops for good at the
 * first point whose name contains it ("write <file>" before a file is renamed into place, "swap
 * <folder>" and "swapped-out <folder>" around a folder's swap), after saying so on stderr.
 */
function pauseAt(point: string): void {
  const at = process.env.IFS_PAUSE_AT;
  if (!at || !point.includes(at)) return;
  process.stderr.write(`IFS_PAUSE_AT: paused at ${point}\n`);
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}

/** The file-system calls the writer makes (node:fs by default; a test injects a short write or a full disk). */
export interface WriterFs {
  mkdirSync(path: string, options: { recursive: true }): unknown;
  openSync(path: string, flags: 'wx'): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { force: true }): void;
}

export interface WriteOptions {
  /** fsync before the rename (default true). Files written into a folder that is later swapped in whole may skip it. */
  fsync?: boolean;
  fs?: WriterFs;
}

/** Error codes that mean the device (or the user's quota) has no room left. */
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

/** Why a file could not be written: the file, its folder, the bytes it needed, the system's error code. */
export class WriteFileError extends Error {
  readonly code: string;
  constructor(
    readonly path: string,
    readonly bytes: number,
    readonly written: number,
    cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
    const folder = dirname(path);
    const size = `${bytes.toLocaleString('en-US')} bytes`;
    const message = DISK_FULL.has(code)
      ? `no space left on the device of ${folder} (${code}) while writing ${basename(path)}: it needed ${size}, ${written.toLocaleString('en-US')} were written. ` +
        `${basename(path)} was not replaced (its previous version, if any, is intact) and the temporary file was removed, so nothing complete was lost. ` +
        `Free space there (df -h ${folder}) and rerun the same command: a run continues from its last snapshot.`
      : `cannot write ${path} (folder ${folder}, ${size}): ${(cause as Error | undefined)?.message ?? String(cause)}; the file was not replaced`;
    super(message, { cause });
    this.name = 'WriteFileError';
    this.code = code;
  }

  get folder(): string {
    return dirname(this.path);
  }

  get diskFull(): boolean {
    return DISK_FULL.has(this.code);
  }
}

/** Whether `error` (or its cause) says the disk is full: the sweep stops instead of starting more runs. */
export function isDiskFull(error: unknown): boolean {
  for (let e = error; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && DISK_FULL.has(code)) return true;
    if (e instanceof WriteFileError) return e.diskFull;
  }
  return false;
}

/**
 * The exit code of a command stopped by a full disk (the engine CLI's, the pipeline's): distinct
 * from 1 (a failed run), so a sweep stops starting runs instead of failing them one after another.
 */
export const DISK_FULL_EXIT_CODE = 3;

let counter = 0;

/** Writes `data` to `path` whole or not at all; the folder is created if needed. */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions = {}): void {
  const fs = options.fs ?? nodeFs;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  let written = 0;
  let fd: number | null = null;
  try {
    fs.mkdirSync(dirname(path), { recursive: true });
    fd = fs.openSync(tmp, 'wx');
    // write(2) may take fewer bytes than asked (a nearly full disk, a signal): go on until all are written.
    while (written < bytes.length) {
      const n = fs.writeSync(fd, bytes, written, bytes.length - written);
      if (!(n > 0)) throw Object.assign(new Error(`the device took no more bytes (${written} of ${bytes.length} written)`), { code: 'ENOSPC' });
      written += n;
    }
    if (options.fsync ?? true) fs.fsyncSync(fd);
    const open = fd;
    fd = null;
    fs.closeSync(open);
    pauseAt(`write ${path}`);
    fs.renameSync(tmp, path);
  } catch (error) {
    if (fd !== null) {
      try {
        fs.closeSync(fd);
      } catch {
        // the write's error is the one to report
      }
    }
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing more can be done about a temporary file that cannot be removed
    }
    throw new WriteFileError(path, bytes.length, written, error);
  }
}

/** Writes a value as pretty JSON with a final newline, whole or not at all. */
export function writeJsonAtomic(path: string, value: unknown, options: WriteOptions = {}): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 1)}\n`, options);
}

/** Whether a process of this host is alive (signal 0 only asks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes a folder's renames durable (Linux; elsewhere opening a folder may fail, and then its renames are left to the system). */
function syncFolder(folder: string): void {
  let fd: number | null = null;
  try {
    fd = nodeFs.openSync(folder, 'r');
    nodeFs.fsyncSync(fd);
  } catch {
    // not supported here
  } finally {
    if (fd !== null) nodeFs.closeSync(fd);
  }
}

/**
 * Puts back what a killed replaceFolder left beside `target`: a build folder (`<name>.staging-<pid>`)
 * is removed; a previous version moved aside (`<name>.old-<pid>`) is moved back when `target` is
 * missing (killed between the two renames of the swap) and removed otherwise. Folders of live
 * processes of this host are left alone.
 */
export function recoverFolder(target: string): void {
  const parent = dirname(target);
  const name = basename(target);
  if (!nodeFs.existsSync(parent)) return;
  for (const entry of nodeFs.readdirSync(parent).sort()) {
    const match = entry.startsWith(`${name}.`) ? /^(staging|old)-(\d+)$/.exec(entry.slice(name.length + 1)) : null;
    if (!match || alive(Number(match[2]))) continue;
    const path = join(parent, entry);
    if (match[1] === 'old' && !nodeFs.existsSync(target)) nodeFs.renameSync(path, target);
    else nodeFs.rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Replaces the folder `target` whole: `fill` writes the new version into a sibling folder, which is
 * then swapped in (the previous version moved aside, the new one renamed into place, the previous
 * one deleted). A process killed at any point leaves the previous version, or (killed between the
 * two renames) the previous version beside its place, which recoverFolder, called first by the next
 * replaceFolder, moves back. A reader never sees old and new files side by side.
 */
export function replaceFolder(target: string, fill: (folder: string) => void): void {
  recoverFolder(target);
  const staging = `${target}.staging-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  nodeFs.rmSync(staging, { recursive: true, force: true });
  nodeFs.mkdirSync(staging, { recursive: true });
  try {
    fill(staging);
    syncFolder(staging);
  } catch (error) {
    nodeFs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  pauseAt(`swap ${target}`);
  const hadOld = nodeFs.existsSync(target);
  if (hadOld) nodeFs.renameSync(target, old);
  pauseAt(`swapped-out ${target}`);
  try {
    nodeFs.renameSync(staging, target);
  } catch (error) {
    if (hadOld) nodeFs.renameSync(old, target);
    nodeFs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  syncFolder(dirname(target));
  if (hadOld) nodeFs.rmSync(old, { recursive: true, force: true });
}
