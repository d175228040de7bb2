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
      const settled = (await api.request('GET', '/api/v1/alerts?kind=calendar_data_missing&status=acknowledged')).body.items;
      assert.ok(settled.some((a: { subject: string }) => a.subject === 'calendar:CN-WH:2027'), 'the import settles the alert that said 2027 was missing');
      assert.equal((await api.request('POST', '/api/v1/calendars/CN-WH/import', { body: { format: 'holiday-cn', content: '{"days":[{"date":"x"}]}' } })).body.error.code, 'CALENDAR_IMPORT_INVALID');
      assert.equal((await api.request('POST', '/api/v1/calendars/CN-WH/import', { body: { format: 'ical', content: 'BEGIN:VCALENDAR' } })).body.error.code, 'CALENDAR_IMPORT_INVALID');

      const set = await api.request('PUT', '/api/v1/calendars/CN-WH/days', { body: { days: [{ date: '2027-11-13', kind: 'workday', name: '双十一加班', hours: ['08:00-22:00'] }] } });
      assert.equal(set.body.days.find((d: { date: string }) => d.date === '2027-11-13').source, 'manual');
      const removed = await api.request('DELETE', '/api/v1/calendars/CN-WH/days/2027-11-13');
      assert.equal(removed.body.days.find((d: { date: string }) => d.date === '2027-11-13'), undefined);
      // Settled: the check raises nothing more for it.
      await checkCalendarData({ db: database.handle.db, clock: api.clock, logger: createLogger('silent') });
      const again = (await api.request('GET', '/api/v1/alerts?kind=calendar_data_missing')).body.items;
      assert.equal(again.filter((a: { subject: string }) => a.subject === 'calendar:CN-WH:2027').length, 0, 'and the check does not raise it again');
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

    test('hostile calendar input is refused whole, with a 4xx and a stable code', async () => {
      const put = (days: unknown) => api.request('PUT', '/api/v1/calendars/CN-WH/days', { body: { days } });
      assert.equal((await put([{ date: '2027-01-06', kind: 'holiday', name: 'a' }, { date: '2027-01-06', kind: 'workday', name: 'b' }])).status, 400);
      assert.equal((await put([{ date: '2027-01-07', kind: 'holiday', name: 'a', hours: ['09:00-10:00'] }])).status, 400);
      assert.equal((await put([{ date: '2027-01-07', kind: 'workday', name: 'a', hours: [] }])).status, 400);
      assert.equal((await put([{ date: '1899-01-01', kind: 'holiday', name: 'a' }])).status, 400);
      assert.equal((await api.request('DELETE', '/api/v1/calendars/CN-WH/days/2027-02-30')).status, 400);
      const imported = (format: string, content: string, year?: number) => api.request('POST', '/api/v1/calendars/CN-WH/import', { body: { format, content, ...(year ? { year } : {}) } });
      const ics = (event: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:x\r\n${event}\r\nSUMMARY:假\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
      const refused = async (res: Promise<{ status: number; body: any }>, path: RegExp) => {
        const r = await res;
        assert.equal(r.status, 422, JSON.stringify(r.body));
        assert.equal(r.body.error.code, 'CALENDAR_IMPORT_INVALID');
        assert.match(r.body.error.details[0].path, path);
      };
      await refused(imported('holiday-cn', JSON.stringify({ year: 2040, days: [{ name: 'x', date: '2040-01-01', isOffDay: true }, { name: 'y', date: '2040-01-01', isOffDay: false }] })), /days\[1\]\.date/);
      await refused(imported('holiday-cn', JSON.stringify({ year: 2041, days: [{ name: 'x', date: '2041-01-01', isOffDay: true }] }), 2042), /year/);
      await refused(imported('holiday-cn', JSON.stringify({ year: 2030, days: [{ name: 'x', date: '2031-01-01', isOffDay: true }] })), /year/);
      await refused(imported('holiday-cn', JSON.stringify({ year: 1990, days: [{ name: 'x', date: '1990-01-01', isOffDay: true }] })), /days\[0\]\.date/);
      await refused(imported('ical', ics('DTSTART;VALUE=DATE:20270230')), /DTSTART/);
      await refused(imported('ical', ics('DTSTART;VALUE=DATE:20270105\r\nRRULE:FREQ=DAILY;COUNT=100000')), /RRULE/);
      await refused(imported('ical', ics('DTSTART;VALUE=DATE:20270105\r\nDTEND;VALUE=DATE:20270104')), /DTEND/);
      await refused(imported('ical', ics('DTSTART:20270105T100000Z')), /DTSTART/);
      await refused(imported('ical', ics('DTSTART;VALUE=DATE:20280105'), 2035), /year/);
      const year = (await api.request('GET', '/api/v1/calendars/CN-WH?year=2040')).body;
      assert.equal(year.importedYears.includes(2040), false, 'nothing of a refused file is written');
    });

    test('regions: a lookup or a write with a region the pack cannot place is refused; a region move takes its zone unless one was set by hand', async () => {
      assert.equal((await api.request('GET', '/api/v1/regions/zone?country=US&region=ZZ')).body.error.code, 'REGION_UNKNOWN');
      assert.equal((await api.request('GET', '/api/v1/regions/zone?country=JP&region=13')).body.timeZone, 'Asia/Tokyo');
      assert.equal((await api.request('POST', '/api/v1/calendars', { body: { code: 'US-X', name: 'x', country: 'US', region: 'AU-NY' } })).body.error.code, 'REGION_UNKNOWN');
      assert.equal((await api.request('POST', '/api/v1/calendars', { body: { code: 'AU-1', name: 'Sydney', country: 'AU', region: 'AU-NSW' } })).body.timeZone, 'Australia/Sydney');
      assert.equal((await api.request('PATCH', '/api/v1/calendars/AU-1', { body: { region: 'WA' } })).body.timeZone, 'Australia/Perth');
      const chi = await api.request('POST', '/api/v1/warehouses', { body: { code: 'CHI', name: 'Chicago', country: 'US', region: 'NY', timeZone: 'America/Chicago' } });
      assert.equal(chi.status, 201, JSON.stringify(chi.body));
      assert.equal((await api.request('PATCH', '/api/v1/warehouses/CHI', { body: { region: 'NJ' } })).body.timeZone, 'America/Chicago', 'a zone set by hand stays');
      await api.request('POST', '/api/v1/warehouses', { body: { code: 'NYC', name: 'New York', country: 'US', region: 'NY' } });
      assert.equal((await api.request('PATCH', '/api/v1/warehouses/NYC', { body: { region: 'CA' } })).body.timeZone, 'America/Los_Angeles', 'a zone from the pack follows the region');
    });
  });
}
