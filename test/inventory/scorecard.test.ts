import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { DEFAULT_TENANT } from '../../src/modules/access/access.service.ts';
import { assertListingAllowed, isListingPaused, pauseListingsIfUnchanged } from '../../src/modules/inventory/listing-pauses.service.ts';
import { recordOversells } from '../../src/modules/inventory/reservations.service.ts';
import { scorecardRound } from '../../src/modules/inventory/scorecard.jobs.ts';
import { recordDay } from '../../src/modules/inventory/scorecard.service.ts';
import { channelListings, stockPushes } from '../../src/modules/inventory/stock-sync.schema.ts';
import { systemActor, type RequestContext } from '../../src/platform/context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';

/** An instant on the Shanghai wall clock. */
const cn = (day: string, time: string) => DateTime.fromISO(`${day}T${time}`, { zone: 'Asia/Shanghai' }).toJSDate();
const nextDay = (day: string) => DateTime.fromISO(day).plus({ days: 1 }).toISODate()!;

type Trouble = 'stale' | 'drift' | null;

for (const backend of testBackends()) {
  describe(`inventory health scorecard and listing pause (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    let ctx: RequestContext;
    const logger = createLogger('silent');
    let orderNo = 0;

    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle, '2026-10-01T00:00:00Z');
      const db = database.handle.db;
      ctx = { tenantId: DEFAULT_TENANT, actor: systemActor('test'), clock: api.clock, db };
      const at = api.clock.now();
      await db.insert(channelListings).values([
        { tenantId: DEFAULT_TENANT, shopId: 'dy', sku: 'SOFA', channel: 'douyin', createdAt: at },
        { tenantId: DEFAULT_TENANT, shopId: 'jd1', sku: 'SOFA', channel: 'jd', createdAt: at },
      ]);
      await db.insert(stockPushes).values([
        { tenantId: DEFAULT_TENANT, shopId: 'dy', sku: 'SOFA', channel: 'douyin', lastPushedQty: 23, channelQty: 23, updatedAt: at },
        { tenantId: DEFAULT_TENANT, shopId: 'jd1', sku: 'SOFA', channel: 'jd', lastPushedQty: 23, channelQty: 23, updatedAt: at },
      ]);
    });
    after(async () => {
      await api?.close();
      await database?.drop();
    });

    /** The douyin shop's push row, as the sender and the channel's stock report would leave it. */
    async function douyinPush(set: Partial<typeof stockPushes.$inferInsert>) {
      await ctx.db.update(stockPushes).set({ ...set, updatedAt: api.clock.now() })
        .where(and(eq(stockPushes.tenantId, DEFAULT_TENANT), eq(stockPushes.shopId, 'dy'), eq(stockPushes.sku, 'SOFA')));
    }
    const healthy = () => douyinPush({ failingSince: null, lastError: null, dueAt: null, channelQty: 23, lastPushedQty: 23 });

    async function oversell(n: number) {
      await recordOversells(ctx, Array.from({ length: n }, () => ({ orderId: `o${++orderNo}`, channel: 'douyin', shopId: 'dy', short: { SOFA: 1 } })));
    }

    /**
     * One simulated business day: trouble starts at 09:00 and is seen by the worker at 12:00, is
     * fixed at 23:00, and the round just after midnight closes the day.
     */
    async function simulate(day: string, trouble: Trouble, oversells = 0) {
      api.clock.set(cn(day, '09:00'));
      if (trouble === 'stale') await douyinPush({ failingSince: cn(day, '09:00'), lastError: 'gateway timeout' });
      if (trouble === 'drift') await douyinPush({ channelQty: 8, channelQtyAt: cn(day, '09:00') });
      if (oversells) await oversell(oversells);
      api.clock.set(cn(day, '12:00'));
      await scorecardRound({ db: ctx.db, clock: api.clock, logger });
      api.clock.set(cn(day, '23:00'));
      await healthy();
      api.clock.set(cn(nextDay(day), '00:05'));
      return scorecardRound({ db: ctx.db, clock: api.clock, logger });
    }

    async function simulateWeek(monday: string, troubledDays: number, trouble: Trouble, oversells: Record<number, number> = {}) {
      let result;
      for (let i = 0; i < 7; i++) {
        const day = DateTime.fromISO(monday).plus({ days: i }).toISODate()!;
        result = await simulate(day, i < troubledDays ? trouble : null, oversells[i] ?? 0);
      }
      return result!;
    }

    const dayOf = async (day: string, channel = 'douyin') => (await recordDay(ctx, day)).find((d) => d.channel === channel)!;

    test('a day is accurate, or not when a push fails past the SLA or the channel shows another figure', async () => {
      api.clock.set(cn('2026-10-20', '12:00'));
      assert.equal((await dayOf('2026-10-20')).accurate, true);

      api.clock.set(cn('2026-10-21', '10:00'));
      await douyinPush({ failingSince: cn('2026-10-21', '10:00'), lastError: 'gateway timeout' });
      api.clock.set(cn('2026-10-21', '10:04'));
      assert.equal((await dayOf('2026-10-21')).accurate, true, 'failing for 4 minutes is within the 5-minute SLA');
      api.clock.set(cn('2026-10-21', '10:06'));
      const stale = await dayOf('2026-10-21');
      assert.deepEqual([stale.accurate, stale.stalePushes, stale.detail?.stale], [false, 1, ['dy/SOFA']]);
      await healthy();
      api.clock.set(cn('2026-10-21', '15:00'));
      assert.equal((await dayOf('2026-10-21')).accurate, false, 'a day stays inaccurate once a sample found it so');
      assert.equal((await dayOf('2026-10-21', 'jd')).accurate, true);

      api.clock.set(cn('2026-10-22', '10:00'));
      await douyinPush({ channelQty: 8, channelQtyAt: api.clock.now(), dueAt: api.clock.now() });
      assert.equal((await dayOf('2026-10-22')).accurate, true, 'a differing figure with a push pending is not drift');
      await douyinPush({ dueAt: null });
      const drift = await dayOf('2026-10-22');
      assert.deepEqual([drift.accurate, drift.driftSkus, drift.detail?.drift], [false, 1, ['dy/SOFA']]);
      await healthy();
    });

    test('two weeks below 70 pause new listings; a single bad week does not', async () => {
      await simulate('2026-11-01', null);
      // W45: 4 of 7 days accurate, 2 oversells → 40 + 10 = 50.
      let round = await simulateWeek('2026-11-02', 3, 'stale', { 3: 2 });
      assert.deepEqual(round.paused, []);
      // W46: all accurate, 4 oversells → 70 + 6 = 76; only one of the last two weeks is bad.
      round = await simulateWeek('2026-11-09', 0, null, { 1: 4 });
      assert.deepEqual(round.paused, []);
      // W47: drift on 4 days → 30 + 30 = 60; W46 was fine, so still no pause.
      round = await simulateWeek('2026-11-16', 4, 'drift');
      assert.deepEqual(round.paused, []);
      assert.equal(await isListingPaused(ctx, 'douyin'), false);
      // W48: stale pushes on 4 days → 60; closing Sunday makes two weeks in a row.
      round = await simulateWeek('2026-11-23', 4, 'stale');
      assert.deepEqual(round.paused, [{ tenantId: DEFAULT_TENANT, channel: 'douyin' }]);

      await assert.rejects(assertListingAllowed(ctx, 'douyin'), (err: { code?: string; status?: number }) => err.code === 'LISTING_PAUSED' && err.status === 409);
      await assertListingAllowed(ctx, 'jd');
      const pauses = await api.request('GET', '/api/v1/inventory/listing-pauses', { key: api.keys.viewer });
      assert.equal(pauses.status, 200);
      const douyin = pauses.body.items.find((p: { channel: string }) => p.channel === 'douyin');
      assert.deepEqual([douyin.paused, douyin.weeklyScores], [true, [60, 60]]);
      assert.match(douyin.reason, /2026-W47 scored 60, 2026-W48 scored 60/);
    });

    test('only an admin clears a pause, and the same weeks do not pause again', async () => {
      const denied = await api.request('POST', '/api/v1/inventory/listing-pauses/douyin/clear', { key: api.keys.ops });
      assert.equal(denied.status, 403);
      const cleared = await api.request('POST', '/api/v1/inventory/listing-pauses/douyin/clear', { key: api.keys.admin });
      assert.equal(cleared.status, 200);
      assert.deepEqual([cleared.body.paused, typeof cleared.body.clearedAt], [false, 'string']);
      await assertListingAllowed(ctx, 'douyin');
      // A process that read the pauses before the first pause cannot pause again behind the admin's back.
      assert.equal(await pauseListingsIfUnchanged(ctx, 'douyin', 'stale view', [60, 60], null), null);
      assert.equal(await isListingPaused(ctx, 'douyin'), false);

      // W49 is bad again, but W48 already caused a pause: no pause until two fresh weeks fail.
      let round = await simulateWeek('2026-11-30', 4, 'stale');
      assert.deepEqual(round.paused, []);
      assert.equal(await isListingPaused(ctx, 'douyin'), false);
      // W50 bad too: W49 and W50 are a later pair.
      round = await simulateWeek('2026-12-07', 4, 'stale');
      assert.deepEqual(round.paused, [{ tenantId: DEFAULT_TENANT, channel: 'douyin' }]);
      await assert.rejects(assertListingAllowed(ctx, 'douyin'), (err: { code?: string }) => err.code === 'LISTING_PAUSED');
      // The next rounds leave the pause as it is.
      assert.deepEqual((await scorecardRound({ db: ctx.db, clock: api.clock, logger })).paused, []);
    });

    test('the monthly report shows each platform’s days, oversells, score and pause', async () => {
      const month = await api.request('GET', '/api/v1/inventory/scorecards?month=2026-11', { key: api.keys.viewer });
      assert.equal(month.status, 200);
      const douyin = month.body.items.find((i: { channel: string }) => i.channel === 'douyin');
      const jd = month.body.items.find((i: { channel: string }) => i.channel === 'jd');
      // 30 days; bad: 2–4, 16–19, 23–26, 30 Nov → 18 accurate; 6 oversells → 42 + 30 / 7.
      assert.deepEqual([douyin.operatingDays, douyin.accurateDays, douyin.oversellCount, douyin.score], [30, 18, 6, 46.3]);
      assert.deepEqual([jd.operatingDays, jd.accurateDays, jd.oversellCount, jd.score], [30, 30, 0, 100]);
      assert.equal(douyin.days.length, 30);
      assert.deepEqual(douyin.days.slice(1, 6).map((d: { accurate: boolean }) => d.accurate), [false, false, false, true, true]);
      assert.equal(douyin.days[4].oversellCount, 2);
      assert.equal(douyin.listingPause.paused, true);
      assert.equal(jd.listingPause, null);

      const weekly = await api.request('GET', '/api/v1/inventory/scorecards/weekly?channel=douyin&weeks=3', { key: api.keys.supervisor });
      assert.equal(weekly.status, 200);
      assert.deepEqual(weekly.body.items[0].weeks.map((w: { week: string; score: number | null; complete: boolean }) => [w.week, w.score, w.complete]),
        [['2026-W49', 60, true], ['2026-W50', 60, true], ['2026-W51', 100, false]]);

      assert.equal((await api.request('GET', '/api/v1/inventory/scorecards?month=2026-11', { key: api.keys.agent })).status, 403);
      assert.equal((await api.request('GET', '/api/v1/inventory/scorecards?month=2026-13')).status, 400);
    });

    test('weights come from the settings', async () => {
      const patched = await api.request('PATCH', '/api/v1/inventory/settings', { body: { scoreWeightAccuracy: 50, scoreWeightOversell: 50 } });
      assert.equal(patched.status, 200);
      const month = await api.request('GET', '/api/v1/inventory/scorecards?month=2026-11', { key: api.keys.ops });
      const scores = Object.fromEntries(month.body.items.map((i: { channel: string; score: number }) => [i.channel, i.score]));
      // douyin: 18/30 × 50 + 1/7 × 50 = 37.1; jd: a perfect month is still 100.
      assert.deepEqual(scores, { douyin: 37.1, jd: 100 });
    });
  });
}
