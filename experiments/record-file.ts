// Reading and writing run records and other JSON outputs: writes go through the one atomic writer
// (data/atomic-write.ts: every byte, fsync, rename), so a killed process or a full disk never
// leaves a half-written file in place of a good one.
import { readFileSync } from 'node:fs';
import { runRecordSchema, type RunRecord } from '../data/schemas/run-record.js';

export { writeFileAtomic, writeJsonAtomic, isDiskFull, WriteFileError, DISK_FULL_EXIT_CODE } from '../data/atomic-write.js';

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
    const first = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.')}: ${i.message}`)
      .join('; ');
    throw new Error(`run record ${path} does not match the run-record schema (${first}); delete it to have the run redone`);
  }
  return parsed.data;
}
