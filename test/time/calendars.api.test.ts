import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/platform/logger.ts';
import { checkCalendarData } from '../../src/modules/time/time.jobs.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';

const hours = { mon: ['09:00-18:00'], tue: ['09:00-18:00'], wed: ['09:00-18:00'], thu: ['09:00-18:00'], fri: ['09:00-18:00'], sat: [], sun: [] };

for (const backend of testBackends()) {
  describe(`Business calendars through the API (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;

    const order = (n: number) => ({
      channel: 'custom', shopId: 'web', channelOrderId: `CAL-${n}`, status: 'paid', currency: 'CNY', totalFen: 100, shippingFen: 0, discountFen: 0,
      receiver: { name: '王芳', phone: '13700001111', country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路 1 号' },
      orderedAt: api.clock.now().toISOString(), paidAt: api.clock.now().toISOString(), lines: [{ sku: 'MUG', quantity: 1, unitPriceFen: 100 }],
    });

    before(async () => {
      database = await backend.open();
      // 17:00 in Beijing on 30 September 2025: past the 16:00 cut-off, with Golden Week ahead.
      api = await startTestApi(database.handle, '2025-09-30T09:00:00Z');
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    test('a calendar is made with its country\'s zone, shows its official days, and refuses what is wrong', async () => {
      const made = await api.request('POST', '/api/v1/calendars', { body: { code: 'CN-WH', name: '仓库日历', country: 'CN', hours } });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.equal(made.body.timeZone, 'Asia/Shanghai');
      const year = await api.request('GET', '/api/v1/calendars/CN-WH?year=2025');
      const day = (d: string) => year.body.days.find((x: { date: string }) => x.date === d);
      assert.equal(day('2025-10-01').kind, 'holiday');
      assert.equal(day('2025-10-11').kind, 'makeup');
      assert.equal(year.body.officialDataKnown, true);

      assert.equal((await api.request('POST', '/api/v1/calendars', { body: { code: 'CN-WH', name: 'again', country: 'CN' } })).body.error.code, 'CALENDAR_EXISTS');
      assert.equal((await api.request('POST', '/api/v1/calendars', { body: { code: 'X', name: 'x', country: 'ZZ' } })).body.error.code, 'REGION_UNKNOWN');
      assert.equal((await api.request('POST', '/api/v1/calendars', { body: { code: 'X', name: 'x', country: 'US', region: 'XX' } })).body.error.code, 'REGION_UNKNOWN');
      const overlap = await api.request('POST', '/api/v1/calendars', { body: { code: 'X', name: 'x', country: 'CN', hours: { ...hours, mon: ['09:00-12:00', '11:00-13:00'] } } });
      assert.equal(overlap.status, 400);
      assert.equal((await api.request('GET', '/api/v1/calendars/NOPE')).body.error.code, 'CALENDAR_NOT_FOUND');
      assert.equal((await api.request('POST', '/api/v1/calendars', { body: { code: 'US-CA', name: 'LA', country: 'US', region: 'CA' } })).body.timeZone, 'America/Los_Angeles');
    });

    test('a warehouse on the calendar counts an order past its cut-off before Golden Week toward 9 October, capacity included', async () => {
      const w = await api.request('POST', '/api/v1/warehouses', { body: { code: 'HZ01', name: '杭州仓', country: 'CN', isDefault: true, calendar: 'CN-WH', dailyCapacity: 1, cutOff: '16:00', location: { divisionCode: '330100' } } });
      assert.equal(w.status, 201, JSON.stringify(w.body));
      assert.deepEqual([w.body.timeZone, w.body.calendar, w.body.cutOff], ['Asia/Shanghai', 'CN-WH', '16:00']);
      assert.equal((await api.request('POST', '/api/v1/warehouses', { body: { code: 'BAD', name: 'x', country: 'CN', calendar: 'NOPE' } })).body.error.code, 'CALENDAR_NOT_FOUND');
      assert.equal((await api.request('POST', '/api/v1/inventory/receipts', { body: { warehouseCode: 'HZ01', lines: [{ sku: 'MUG', quantity: 10 }] } })).status, 201);

      const first = await api.request('POST', '/api/v1/orders', { body: order(1) });
      assert.equal(first.body.status, 'allocated', JSON.stringify(first.body));
      const deliveries = (await api.request('GET', `/api/v1/delivery-orders?orderId=${first.body.id}`)).body.items;
      assert.equal(deliveries[0].workDay, '2025-10-09');
      // The one delivery order 9 October takes is taken: the next order finds no room there.
      const second = await api.request('POST', '/api/v1/orders', { body: order(2) });
      assert.equal(second.body.status, 'exception', JSON.stringify(second.body));

      // On the make-up Saturday, before the cut-off, the day is the Saturday itself.
      api.clock.set('2025-10-11T02:00:00Z');
      const saturday = await api.request('POST', '/api/v1/orders', { body: order(3) });
      assert.equal((await api.request('GET', `/api/v1/delivery-orders?orderId=${saturday.body.id}`)).body.items[0].workDay, '2025-10-11');
    });

    test('days set by hand and imported files change the days, and settle a year missing its official data', async () => {
      api.clock.set('2026-12-06T02:00:00Z');
      const raised = await checkCalendarData({ db: database.handle.db, clock: api.clock, logger: createLogger('silent') });
      assert.ok(raised >= 1);
      const alerts = (await api.request('GET', '/api/v1/alerts?kind=calendar_data_missing')).body.items;
      assert.ok(alerts.some((a: { subject: string }) => a.subject === 'calendar:CN-WH:2027'), JSON.stringify(alerts));
      assert.equal((await api.request('GET', '/api/v1/calendars/CN-WH?year=2027')).body.officialDataKnown, false);

      const file = JSON.stringify({ year: 2027, papers: [], days: [{ name: '元旦', date: '2027-01-01', isOffDay: true }, { name: '春节', date: '2027-02-07', isOffDay: false }] });
      const imported = await api.request('POST', '/api/v1/calendars/CN-WH/import', { body: { format: 'holiday-cn', content: file } });
      assert.equal(imported.status, 200, JSON.stringify(imported.body));
      assert.equal(imported.body.officialDataKnown, true);
      assert.equal(imported.body.days.find((d: { date: string }) => d.date === '2027-02-07').kind, 'makeup');
      assert.equal((await api.request('POST', '/api/v1/calendars/CN-WH/import', { body: { format: 'holiday-cn', content: '{"days":[{"date":"x"}]}' } })).body.error.code, 'CALENDAR_IMPORT_INVALID');
      assert.equal((await api.request('POST', '/api/v1/calendars/CN-WH/import', { body: { format: 'ical', content: 'BEGIN:VCALENDAR' } })).body.error.code, 'CALENDAR_IMPORT_INVALID');

      const set = await api.request('PUT', '/api/v1/calendars/CN-WH/days', { body: { days: [{ date: '2027-11-13', kind: 'workday', name: '双十一加班', hours: ['08:00-22:00'] }] } });
      assert.equal(set.body.days.find((d: { date: string }) => d.date === '2027-11-13').source, 'manual');
      const removed = await api.request('DELETE', '/api/v1/calendars/CN-WH/days/2027-11-13');
      assert.equal(removed.body.days.find((d: { date: string }) => d.date === '2027-11-13'), undefined);
      // Settled: the check raises nothing more for it.
      await checkCalendarData({ db: database.handle.db, clock: api.clock, logger: createLogger('silent') });
      const again = (await api.request('GET', '/api/v1/alerts?kind=calendar_data_missing')).body.items;
      assert.equal(again.filter((a: { subject: string }) => a.subject === 'calendar:CN-WH:2027').length, 1);
      assert.equal((await api.request('PUT', '/api/v1/calendars/CN-WH/days', { body: { days: [] } })).status, 400);
      assert.equal((await api.request('PUT', '/api/v1/calendars/CN-WH/days', { key: api.keys.viewer, body: { days: [{ date: '2027-01-02', kind: 'holiday', name: 'x' }] } })).status, 403);
    });

    test('amounts keep their currency\'s exponent: an unknown currency is refused, yen stay whole in the export', async () => {
      api.clock.set('2026-12-07T02:00:00Z');
      const bad = await api.request('POST', '/api/v1/orders', { body: { ...order(10), currency: 'XYZ' } });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.body), /ISO 4217/);
      const yen = await api.request('POST', '/api/v1/orders', { body: { ...order(11), currency: 'JPY', totalFen: 1500, lines: [{ sku: 'MUG', quantity: 1, unitPriceFen: 1500 }] } });
      assert.ok(yen.status < 300, JSON.stringify(yen.body));
      const res = await fetch(`${api.url}/api/v1/board/export.csv?lang=en&tz=Asia/Tokyo&status=allocated,exception,on_hold,paid`, { headers: { authorization: `Bearer ${api.keys.admin}` } });
      const csv = await res.text();
      const line = csv.split('\n').find((l) => l.includes('CAL-11'));
      assert.ok(line, csv.slice(0, 500));
      assert.match(line, /,1500,JPY,/);
    });
  });
}
