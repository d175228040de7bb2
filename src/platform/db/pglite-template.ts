import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { KEY_FILE } from '../secrets.ts';
import { LOCK_FILE } from './directory-lock.ts';

/**
 * A fresh embedded database spends seconds in initdb. The result of initdb is the same every time
 * for one PGlite version, so it is made once, kept as a tarball, and every new database (in memory
 * or a new directory) starts from it in well under a second.
 */
function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

function templatePath(): string {
  return join(tmpdir(), `oms-pglite-template-${pgliteVersion()}.tar.gz`);
}

async function buildTemplate(path: string): Promise<Buffer> {
  const db = new PGlite();
  await db.waitReady;
  const dump = await db.dumpDataDir('gzip');
  await db.close();
  const bytes = Buffer.from(await dump.arrayBuffer());
  // Written aside and renamed, so a concurrent reader never sees half a file.
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, path);
  return bytes;
}

export async function initialDataDir(): Promise<Blob> {
  const path = templatePath();
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    bytes = await buildTemplate(path);
  }
  return new Blob([new Uint8Array(bytes)]);
}

/** Whether a directory already holds a database (so no template is needed). */
export function holdsDatabase(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((name) => name !== LOCK_FILE && name !== KEY_FILE);
}

/** Makes the template ahead of time (run after install), so the first start is fast too. */
export async function warmTemplate(): Promise<void> {
  const path = templatePath();
  if (!existsSync(path)) await buildTemplate(path);
}
