import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { migrate, openDatabase } from '../../src/platform/db/index.ts';
import { secretBoxFor } from '../../src/platform/secrets.ts';

const root = mkdtempSync(join(tmpdir(), 'oms-privacy-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Every path under dir whose mode lets anyone but the owner in, with its mode. */
function opened(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    const stat = statSync(path);
    const mode = stat.mode & 0o777;
    const isDir = stat.isDirectory();
    if (mode & 0o077) found.push(`${path.slice(root.length)} ${mode.toString(8)}`);
    if (isDir) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return found;
}

test('an embedded data directory and everything in it are its owner\'s alone, while open and once closed', async () => {
  const dir = join(root, 'fresh');
  secretBoxFor(undefined, { kind: 'directory', dir });
  const handle = await openDatabase(dir);
  try {
    await migrate(handle);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  } finally {
    await handle.close();
  }
  assert.deepEqual(opened(dir), []);
  assert.ok(readdirSync(dir).length > 10, 'the database was written there');
});

test('a data directory left open to others by an earlier version is closed up when it opens', async () => {
  const dir = join(root, 'older');
  mkdirSync(dir, { mode: 0o777 });
  const first = await openDatabase(dir);
  await first.close();
  // As an earlier version left it: everything world-readable and writable.
  const loosen = (path: string) => {
    const isDir = statSync(path).isDirectory();
    chmodSync(path, isDir ? 0o777 : 0o666);
    if (isDir) for (const name of readdirSync(path)) loosen(join(path, name));
  };
  loosen(dir);
  assert.notDeepEqual(opened(dir), []);
  const again = await openDatabase(dir);
  try {
    assert.deepEqual(opened(dir), []);
  } finally {
    await again.close();
  }
});
