// Reading and writing run records and other JSON outputs: writes are atomic (temporary file in
// the same folder, fsync, rename), so a killed process never leaves a half-written file.
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync, readFileSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { runRecordSchema, type RunRecord } from '../data/schemas/run-record.js';

/** Writes text to `path` atomically; the folder is created if needed. */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Writes a value as pretty JSON with a final newline, atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 1)}\n`);
}

/** Reads and validates a run record; the error names the file and the first bad fields. */
export function readRunRecord(path: string): RunRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`run record ${path} is not readable JSON (${(error as Error).message}); delete it to have the run redone`);
  }
  const parsed = runRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`run record ${path} does not match the run-record schema (${first}); delete it to have the run redone`);
  }
  return parsed.data;
}
