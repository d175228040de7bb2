import { parseArgs } from 'node:util';
import { progress, report, UsageError, type Backend, type Bench, type OptionsConfig } from './support.ts';

/**
 * npm run bench -- <name> [--backend pglite|postgres] [--json] [bench options]
 * Benchmarks are loaded lazily, so one benchmark's imports never slow or break another's run.
 */
const registry: Record<string, () => Promise<Bench>> = {
  'ingest-api': async () => (await import('./ingest-api.bench.ts')).default,
  channels: async () => (await import('./channels.bench.ts')).default,
  'hot-sku': async () => (await import('./hot-sku.bench.ts')).default,
  fulfilment: async () => (await import('./fulfilment.bench.ts')).default,
  board: async () => (await import('./board.bench.ts')).default,
};

const common = {
  backend: { type: 'string', default: 'pglite' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies OptionsConfig;

function usage(bench?: Bench): string {
  const lines = [
    'usage: npm run bench -- <name> [--backend pglite|postgres] [--json] [options]',
    '  --backend   pglite (default, in memory) or postgres (server from DATABASE_URL; a scratch database is created and dropped)',
    '  --json      one JSON object per figure and line on stdout, nothing else there',
    `benchmarks: ${Object.keys(registry).join(', ')}`,
  ];
  if (bench) {
    lines.push(`options of this benchmark (${bench.summary}):`);
    for (const [name, o] of Object.entries(bench.options)) lines.push(`  --${name}${o.type === 'string' ? ' <value>' : ''}`);
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name.startsWith('-')) throw new UsageError(usage());
  const load = registry[name];
  if (!load) throw new UsageError(`unknown benchmark "${name}"; known: ${Object.keys(registry).join(', ')}`);
  const bench = await load();

  const { values } = parseArgs({ args: rest, options: { ...bench.options, ...common }, strict: true, allowPositionals: false });
  if (values.help) {
    progress(usage(bench));
    return 0;
  }
  const backend = values.backend as string;
  if (backend !== 'pglite' && backend !== 'postgres') throw new UsageError(`--backend must be pglite or postgres, got "${backend}"`);
  const databaseUrl = backend === 'postgres' ? process.env.DATABASE_URL : undefined;
  if (backend === 'postgres' && !databaseUrl) {
    throw new UsageError('--backend postgres needs DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres); the benchmark creates and drops its own scratch database on that server');
  }

  progress(`${name} on ${backend}`);
  const result = await bench.run({ name, backend: backend as Backend, databaseUrl, values });
  report(name, backend as Backend, result.figures, values.json as boolean);
  for (const failure of result.failures) progress(`FAILED: ${failure}`);
  return result.failures.length > 0 ? 1 : 0;
}

try {
  // exitCode rather than exit(): if a handle were left open the hang would show it, not be hidden.
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  const usageProblem = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  progress(usageProblem ? (err as Error).message : `bench failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = usageProblem ? 2 : 1;
}
