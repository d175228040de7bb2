import { performance } from 'node:perf_hooks';
import type { ParseArgsConfig } from 'node:util';
import { createScratchDatabase, openDatabase, type DatabaseHandle } from '../src/platform/db/index.ts';

/** Helpers shared by every benchmark: options, fresh databases, concurrent runs, percentiles, reporting. */

export type Backend = 'pglite' | 'postgres';
export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface BenchContext {
  name: string;
  backend: Backend;
  /** Set when backend is postgres: the server on which scratch databases are created. */
  databaseUrl: string | undefined;
  /** The benchmark's own options, as parsed from the command line. */
  values: Record<string, string | boolean | undefined>;
}

/** One reported number. Its metric name ends in its unit (_per_s, _ms, _units, _count, _ratio). */
export interface Figure {
  metric: string;
  value: number;
  /** The same quantity measured for the plain-SQL baseline in the same run, on the same database. */
  baseline?: number;
}

export interface BenchResult {
  figures: Figure[];
  /** Correctness checks that did not hold; the run still reports its figures, then exits 1. */
  failures: string[];
}

export interface Bench {
  summary: string;
  options: OptionsConfig;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/** Bad command-line input: the runner exits 2 on it, as for an unknown benchmark. */
export class UsageError extends Error {}

export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function intOption(values: BenchContext['values'], name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${String(raw)}`);
  return n;
}

/**
 * Runs work on a database created for this run alone, so earlier runs cannot skew it: an in-memory
 * PGlite, or a scratch database on the PostgreSQL server, dropped afterwards even when work fails.
 */
export async function withFreshDatabase<T>(ctx: BenchContext, work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  if (ctx.backend === 'pglite') {
    const handle = await openDatabase('memory');
    try {
      return await work(handle);
    } finally {
      await handle.close();
    }
  }
  const scratch = await createScratchDatabase(ctx.databaseUrl!, 'oms_bench');
  progress(`created scratch database ${scratch.name}`);
  try {
    const handle = await openDatabase(scratch.url);
    try {
      return await work(handle);
    } finally {
      await handle.close();
    }
  } finally {
    await scratch.drop();
    progress(`dropped scratch database ${scratch.name}`);
  }
}

export interface Timings {
  /** Per-task latency in milliseconds, in completion order. */
  latenciesMs: number[];
  elapsedMs: number;
}

/**
 * Runs task(0..count-1) with `concurrency` tasks in flight and times each. The first failure stops
 * further tasks from starting and is rethrown: a benchmark that errs has no meaningful figures.
 */
export async function runConcurrently(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<Timings> {
  const latenciesMs: number[] = [];
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < count) {
      const i = next++;
      const started = performance.now();
      try {
        await task(i);
      } catch (err) {
        failed = true;
        throw err;
      }
      latenciesMs.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { latenciesMs, elapsedMs: performance.now() - started };
}

/** Nearest-rank percentile (p in 0..100): always a latency that was actually observed. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function perSecond(count: number, elapsedMs: number): number {
  return count / (elapsedMs / 1000);
}

/** Whole numbers from 100 up, three significant digits below: more digits would only be noise. */
function tidy(n: number): number {
  if (!Number.isFinite(n)) return n;
  return Math.abs(n) >= 100 ? Math.round(n) : Number(n.toPrecision(3));
}

/**
 * Prints the figures: with json, one JSON object per figure and line on stdout and nothing else there
 * (so the output can be piped into a collector); otherwise a table on stderr.
 */
export function report(bench: string, backend: Backend, figures: readonly Figure[], json: boolean): void {
  const rows = figures.map((f) => ({
    bench,
    backend,
    metric: f.metric,
    value: tidy(f.value),
    ...(f.baseline === undefined ? {} : { baseline: tidy(f.baseline), ratio: tidy(f.value / f.baseline) }),
  }));
  if (json) {
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    return;
  }
  const table = [['metric', 'value', 'baseline', 'ratio'], ...rows.map((r) => [r.metric, String(r.value), String(r.baseline ?? ''), String(r.ratio ?? '')])];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  progress(`\n${bench} on ${backend}`);
  for (const row of table) progress(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}
