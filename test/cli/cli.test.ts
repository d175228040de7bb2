import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import { createTestScratchDatabase, postgresAvailable } from '../support/databases.ts';
import { cleanEnv, oms, startServer } from '../support/server.ts';

const run = promisify(execFile);

async function get(url: string, key?: string) {
  const res = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, body: (await res.json()) as any };
}

describe('oms command line', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-cli-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('serve --db memory answers /healthz and accepts OMS_ADMIN_KEY; SIGTERM stops it cleanly', async () => {
    // Shaped like a generated key on purpose: it must still work as the operator's own.
    const adminKey = 'oms.default.abcdef123.an-operator-chosen-admin-key';
    const server = await startServer(['--db', 'memory'], { OMS_ADMIN_KEY: adminKey });
    try {
      assert.equal((await get(`${server.url}/healthz`)).status, 200);
      assert.equal((await get(`${server.url}/api/v1/orders`, adminKey)).status, 200);
      assert.equal((await get(`${server.url}/api/v1/orders`, 'wrong-key-wrong-key-wrong-key')).status, 401);
      assert.ok(!server.output().includes('shown only this once'), 'no key is generated when OMS_ADMIN_KEY is set');
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  test('first start prints a generated admin key once; later starts on the same data do not', async () => {
    // A data directory that does not exist yet, as on a fresh checkout.
    const dir = join(tempDir(), 'data');
    const first = await startServer(['--db', dir]);
    const key = /shown only this once:\s+(oms\.\S+)/.exec(first.output())?.[1];
    await first.stop();
    assert.ok(key, first.output());
    const second = await startServer(['--db', dir]);
    try {
      assert.ok(!second.output().includes('shown only this once'));
      await assert.rejects(
        run(process.execPath, [oms, 'keys', 'create', '--db', dir], { env: cleanEnv }),
        (err: { code?: number; stderr?: string }) => err.code === 2 && /DATABASE_IN_USE/.test(err.stderr ?? ''),
        'a second process may not open an embedded database a server is using',
      );
      assert.equal((await get(`${second.url}/api/v1/keys`, key)).status, 200, 'the key survives a restart');
    } finally {
      await second.stop();
    }
  });

  test('keys create and revoke', async () => {
    const dir = tempDir();
    await run(process.execPath, [oms, 'migrate', '--db', dir], { env: cleanEnv });
    await run(process.execPath, [oms, 'tenants', 'create', 'acme', '--db', dir], { env: cleanEnv });
    const created = await run(process.execPath, [oms, 'keys', 'create', '--tenant', 'acme', '--role', 'viewer', '--name', 'wallboard', '--db', dir], { env: cleanEnv });
    const key = created.stdout.trim();
    assert.match(key, /^oms\.acme\.[A-Za-z0-9]+\./);

    const server = await startServer(['--db', dir]);
    try {
      assert.equal((await get(`${server.url}/api/v1/orders`, key)).status, 200);
    } finally {
      await server.stop();
    }
    const keyId = key.split('.')[2]!;
    await run(process.execPath, [oms, 'keys', 'revoke', keyId, '--tenant', 'acme', '--db', dir], { env: cleanEnv });
    const again = await startServer(['--db', dir]);
    try {
      assert.equal((await get(`${again.url}/api/v1/orders`, key)).status, 401);
    } finally {
      await again.stop();
    }
    await assert.rejects(
      run(process.execPath, [oms, 'keys', 'create', '--tenant', 'nobody', '--db', dir], { env: cleanEnv }),
      (err: { code?: number; stderr?: string }) => err.code === 2 && /tenant nobody not found/.test(err.stderr ?? ''),
    );
  });

  test('serve --demo labels its tenant and keeps sample orders arriving', async () => {
    const server = await startServer(['--db', 'memory', '--demo']);
    try {
      assert.match(server.output(), /DEMO MODE/);
      const key = /demo admin key[^:]*: (oms\.demo\.\S+)/.exec(server.output())?.[1];
      assert.ok(key, server.output());
      const first = await get(`${server.url}/api/v1/orders?limit=200`, key);
      const sandboxShops = ['dy-demo', 'tb-demo', 'jd-demo', 'pdd-demo'];
      const generated = first.body.items.filter((o: any) => !sandboxShops.includes(o.shopId));
      assert.ok(generated.length >= 40 && generated.every((o: any) => o.tags.includes('demo')), 'generated demo orders are tagged as such');
      const newest = first.body.items[0].id;
      let later = first;
      for (let i = 0; i < 40 && later.body.items[0].id === newest; i++) {
        await new Promise((r) => setTimeout(r, 250));
        later = await get(`${server.url}/api/v1/orders?limit=1`, key);
      }
      assert.notEqual(later.body.items[0].id, newest, 'a new demo order arrived');
      assert.match(server.output(), /sandbox marketplaces feeding it: douyin http\S+, taobao http\S+, jd http\S+, pdd http\S+/);
      // Each sandbox feeds its own demo shop through the real connector (the synthetic trickle uses other shop ids).
      const feeds = [
        { channel: 'douyin', shopId: 'dy-demo', orderId: /^\d+$/ },
        { channel: 'taobao', shopId: 'tb-demo', orderId: /^\d+$/ },
        { channel: 'jd', shopId: 'jd-demo', orderId: /^\d+$/ },
        { channel: 'pdd', shopId: 'pdd-demo', orderId: /^\d{6}-\d+$/ },
      ];
      const deadline = Date.now() + 30_000;
      for (const { channel, shopId, orderId } of feeds) {
        const url = `${server.url}/api/v1/orders?channel=${channel}&shopId=${shopId}&limit=200`;
        let fed = await get(url, key);
        while (fed.body.items.length === 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 500));
          fed = await get(url, key);
        }
        assert.ok(fed.body.items.length > 0, `orders arrive from the ${channel} sandbox through the real connector`);
        assert.ok(fed.body.items.every((o: any) => orderId.test(o.channelOrderId) && o.channel === channel && o.shopId === shopId), channel);
      }
    } finally {
      await server.stop();
    }
  });

  test('serve --demo --sandbox-port-base puts the sandboxes on six fixed ports, and the WMSs show what they took', async () => {
    const base = await freeRun(6);
    const server = await startServer(['--db', 'memory', '--demo', '--sandbox-port-base', String(base)]);
    try {
      assert.match(server.output(), new RegExp(`douyin http://127.0.0.1:${base}, taobao http://127.0.0.1:${base + 1}, jd http://127.0.0.1:${base + 2}, pdd http://127.0.0.1:${base + 3}`));
      assert.match(server.output(), new RegExp(`qimen http://127.0.0.1:${base + 4}, json http://127.0.0.1:${base + 5}`));
      assert.match(server.output(), new RegExp(`what they received: http://127.0.0.1:${base + 4}/sandbox/delivery-orders`));
      let held: { code: string; warehouseCode: string }[] = [];
      const deadline = Date.now() + 20_000;
      while (held.length === 0 && Date.now() < deadline) {
        held = (await get(`http://127.0.0.1:${base + 4}/sandbox/delivery-orders`)).body.items;
        if (held.length === 0) await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(held.length > 0 && held.every((o) => ['HZ01', 'GZ01', 'TJ01'].includes(o.warehouseCode)), 'the Qimen WMS lists the delivery orders it took');
    } finally {
      await server.stop();
    }
  });

  test('a sandbox port base outside the ports a user may take is refused', async () => {
    await assert.rejects(
      run(process.execPath, [oms, 'serve', '--db', 'memory', '--demo', '--sandbox-port-base', '80'], { env: cleanEnv }),
      (err: { code?: number; stderr?: string }) => err.code === 2 && /--sandbox-port-base must be a port from 1024 to 65530/.test(err.stderr ?? ''),
    );
  });

  test('two servers starting at once on one PostgreSQL migrate it once and both serve', { skip: !postgresAvailable() }, async () => {
    const scratch = await createTestScratchDatabase();
    try {
      const env = { OMS_SECRET_KEY: 'a-shared-secret-key-for-both-processes' };
      const [a, b] = await Promise.all([startServer(['--db', scratch.url], env), startServer(['--db', scratch.url], env)]);
      try {
        const generated = [a, b].filter((s) => s.output().includes('shown only this once'));
        assert.equal(generated.length, 1, 'exactly one process creates the first admin key');
        const key = /shown only this once:\s+(oms\.\S+)/.exec(generated[0]!.output())![1]!;
        assert.equal((await get(`${a.url}/api/v1/orders`, key)).status, 200);
        assert.equal((await get(`${b.url}/api/v1/orders`, key)).status, 200);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    } finally {
      await scratch.drop();
    }
  });
});

/** The first of `count` consecutive ports nobody listens on now. */
async function freeRun(count: number): Promise<number> {
  const free = (port: number) => new Promise<boolean>((resolve) => {
    const probe = createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  for (let tries = 0; tries < 50; tries++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    let all = true;
    for (let i = 0; i < count && all; i++) all = await free(base + i);
    if (all) return base;
  }
  throw new Error('no run of free ports found');
}
