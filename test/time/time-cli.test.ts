import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import { systemClock } from '../../src/platform/clock.ts';
import { systemActor, type RequestContext } from '../../src/platform/context.ts';
import { migrate, openDatabase } from '../../src/platform/db/index.ts';
import { bootstrap } from '../../src/modules/access/access.service.ts';
import { createCalendar } from '../../src/modules/time/time.service.ts';
import { createWarehouse } from '../../src/modules/warehouses/warehouses.service.ts';
import { cleanEnv, oms } from '../support/server.ts';

const run = promisify(execFile);
const time = async (...args: string[]) => (await run(process.execPath, [oms, 'time', ...args], { env: cleanEnv })).stdout.trim();
const refused = (err: { code?: number; stderr?: string }, pattern: RegExp) => err.code === 2 && pattern.test(err.stderr ?? '');

describe('oms time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-time-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('convert prints the instant with the target\'s offset, by the DST policy', async () => {
    assert.equal(await time('convert', '2025-12-25 00:30:00', '--from', 'Asia/Shanghai', '--to', 'America/New_York'), '2025-12-24T11:30:00-05:00');
    assert.equal(await time('convert', '2025-12-25 00:30:00', '--from', 'Asia/Shanghai', '--to', 'UTC'), '2025-12-24T16:30:00Z');
    assert.equal(await time('convert', '2026-03-08 02:30:00', '--from', 'America/New_York', '--to', 'America/New_York'), '2026-03-08T03:30:00-04:00');
    assert.equal(await time('convert', '2026-11-01 01:30:00', '--from', 'America/New_York', '--to', 'UTC'), '2026-11-01T05:30:00Z');
    await assert.rejects(time('convert', '2025-12-25', '--from', 'UTC', '--to', 'UTC'), (err: { code?: number; stderr?: string }) => refused(err, /YYYY-MM-DD HH:mm:ss/));
    await assert.rejects(time('convert', '2025-12-25 00:30:00', '--from', 'Beijing', '--to', 'UTC'), (err: { code?: number; stderr?: string }) => refused(err, /--from must be an IANA time zone/));
  });

  test('zone prints the zone the packs give a country and region', async () => {
    assert.equal(await time('zone', 'US', 'NY'), 'America/New_York');
    assert.equal(await time('zone', 'AU', 'NSW'), 'Australia/Sydney');
    assert.equal(await time('zone', 'MX', 'CMX'), 'America/Mexico_City');
    assert.equal(await time('zone', 'JP'), 'Asia/Tokyo');
    await assert.rejects(time('zone', 'XX'), (err: { code?: number; stderr?: string }) => refused(err, /REGION_UNKNOWN/));
  });

  test('calendar shows a warehouse\'s working days, holidays and make-up days', async () => {
    const handle = await openDatabase(dir);
    try {
      await migrate(handle);
      await bootstrap(handle.db, undefined, systemClock.now());
      const ctx: RequestContext = { tenantId: 'default', actor: systemActor('test'), clock: systemClock, db: handle.db };
      await createCalendar(ctx, { code: 'CN-WH', name: '仓库', country: 'CN' });
      await createWarehouse(ctx, { code: 'HZ01', name: '杭州仓', country: 'CN', calendar: 'CN-WH' });
    } finally {
      await handle.close();
    }
    const text = await time('calendar', 'HZ01', '--year', '2025', '--db', dir);
    assert.match(text, /calendar CN-WH/);
    assert.match(text, /2025-10-01 {2}holiday {2}国庆节/);
    assert.match(text, /2025-10-11 {2}make-up working day/);
    assert.match(text, /2025-10 {4}\s*\d+/);
    await assert.rejects(time('calendar', 'NOPE', '--db', dir), (err: { code?: number; stderr?: string }) => refused(err, /WAREHOUSE_NOT_FOUND/));
  });
});
