// What a sweep shows while it runs: bars on a terminal (one for the sweep, one per worker), plain
// lines in a log file, or nothing.
import cliProgress from 'cli-progress';
import { duration } from '../data/duration.js';

export type ProgressKind = 'bar' | 'lines' | 'none';

/** What a worker's engine last said (from its JSON-lines progress). */
export interface RunProgress {
  iteration: number;
  iterations: number;
  loss: number | null;
  accuracy: number | null;
  imagesPerSecond: number | null;
  phase: string;
}

export interface SweepSnapshot {
  done: number;
  total: number;
  /** Training images per second summed over the running workers. */
  imagesPerSecond: number;
  etaSeconds: number;
}

export interface Reporter {
  /** `total` runs to train; `alreadyDone` had a record. */
  begin(total: number, alreadyDone: number): void;
  runStarted(worker: number, label: string, hash: string, iterations: number): void;
  runProgress(worker: number, progress: RunProgress, sweep: SweepSnapshot): void;
  /** `ok`: the run has a complete or diverged record. */
  runFinished(worker: number, message: string, ok: boolean, sweep: SweepSnapshot): void;
  /** A message that is not about one worker's run. */
  note(message: string): void;
  stop(): void;
}

const fmt = (x: number | null, digits: number) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(digits));

export function createReporter(kind: ProgressKind, stream: NodeJS.WriteStream = process.stderr): Reporter {
  if (kind === 'bar' && stream.isTTY) return new BarReporter(stream);
  if (kind === 'none') return new QuietReporter(stream);
  return new LineReporter(stream);
}

class BarReporter implements Reporter {
  private multibar: cliProgress.MultiBar;
  private sweep: cliProgress.SingleBar | null = null;
  private workers = new Map<number, cliProgress.SingleBar>();

  constructor(stream: NodeJS.WriteStream) {
    this.multibar = new cliProgress.MultiBar(
      { stream, hideCursor: true, clearOnComplete: false, format: '{label} {bar} {value}/{total} {unit} | {detail}', barsize: 24 },
      cliProgress.Presets.shades_classic,
    );
  }

  begin(total: number, alreadyDone: number): void {
    this.multibar.log(`${total} run(s) to train, ${alreadyDone} already done\n`);
    this.sweep = this.multibar.create(total, 0, { label: 'sweep'.padEnd(16), unit: 'runs', detail: 'starting' });
  }

  runStarted(worker: number, label: string, hash: string, iterations: number): void {
    this.workers.get(worker)?.stop();
    if (this.workers.has(worker)) this.multibar.remove(this.workers.get(worker)!);
    const name = `w${worker} ${hash.slice(0, 8)}`.padEnd(16);
    this.workers.set(worker, this.multibar.create(iterations, 0, { label: name, unit: 'it', detail: label }));
  }

  runProgress(worker: number, p: RunProgress, sweep: SweepSnapshot): void {
    this.workers.get(worker)?.update(p.iteration, {
      detail: `${p.phase} | loss ${fmt(p.loss, 3)} | acc ${fmt(p.accuracy, 3)} | ${fmt(p.imagesPerSecond, 0)} img/s`,
    });
    this.updateSweep(sweep);
  }

  runFinished(worker: number, message: string, _ok: boolean, sweep: SweepSnapshot): void {
    const bar = this.workers.get(worker);
    if (bar) {
      this.multibar.remove(bar);
      this.workers.delete(worker);
    }
    this.multibar.log(`${message}\n`);
    this.updateSweep(sweep);
  }

  note(message: string): void {
    this.multibar.log(`${message}\n`);
  }

  private updateSweep(s: SweepSnapshot): void {
    this.sweep?.update(s.done, { detail: `${fmt(s.imagesPerSecond, 0)} img/s | ETA ${duration(s.etaSeconds)}` });
  }

  stop(): void {
    this.multibar.stop();
  }
}

/** For logs: a line when a run starts and ends, and one per tenth of a run's iterations. */
class LineReporter implements Reporter {
  private lastTenth = new Map<number, number>();
  constructor(private stream: NodeJS.WriteStream) {}

  private line(text: string): void {
    this.stream.write(`${text}\n`);
  }

  begin(total: number, alreadyDone: number): void {
    this.line(`${total} run(s) to train, ${alreadyDone} already done`);
  }

  runStarted(worker: number, label: string, hash: string, iterations: number): void {
    this.lastTenth.set(worker, 0);
    this.line(`[w${worker}] start ${hash} ${label} (${iterations} it)`);
  }

  runProgress(worker: number, p: RunProgress, s: SweepSnapshot): void {
    const tenth = Math.floor((10 * p.iteration) / Math.max(1, p.iterations));
    if (tenth <= (this.lastTenth.get(worker) ?? 0) || p.phase !== 'train') return;
    this.lastTenth.set(worker, tenth);
    this.line(
      `[w${worker}] ${p.iteration}/${p.iterations} it, loss ${fmt(p.loss, 3)}, acc ${fmt(p.accuracy, 3)}, ${fmt(p.imagesPerSecond, 0)} img/s` +
        ` | sweep ${s.done}/${s.total} runs, ${fmt(s.imagesPerSecond, 0)} img/s, ETA ${duration(s.etaSeconds)}`,
    );
  }

  runFinished(worker: number, message: string, _ok: boolean, s: SweepSnapshot): void {
    this.line(`[w${worker}] ${message} | sweep ${s.done}/${s.total} runs, ETA ${duration(s.etaSeconds)}`);
  }

  note(message: string): void {
    this.line(message);
  }

  stop(): void {}
}

/** Only what went wrong and the notes. */
class QuietReporter implements Reporter {
  constructor(private stream: NodeJS.WriteStream) {}
  begin(): void {}
  runStarted(): void {}
  runProgress(): void {}
  runFinished(_worker: number, message: string, ok: boolean): void {
    if (!ok) this.stream.write(`${message}\n`);
  }
  note(message: string): void {
    this.stream.write(`${message}\n`);
  }
  stop(): void {}
}
