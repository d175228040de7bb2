import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allProvinces, hasPrefectures } from '../addresses/divisions.ts';
import { resolvePlace } from '../addresses/addresses.resolve.ts';
import { provinceSeat } from '../addresses/seats.ts';
import type { Warehouse } from '../warehouses/warehouses.service.ts';
import { CapacityBook, routeOrder, workDay } from './routing.service.ts';
import { defaultRoutingSettings } from './routing.settings.ts';

function warehouse(code: string, divisionCode: string, extra: Partial<Warehouse> = {}): Warehouse {
  const seat = provinceSeat(divisionCode)!;
  return {
    code, name: code, timeZone: 'Asia/Shanghai', country: 'CN', region: null, calendar: null, priority: 10, active: true, isDefault: false, location: { divisionCode, ...seat },
    coverage: [], channels: [], excludedSkus: [], dailyCapacity: null, cutOff: null, wms: null, createdAt: '', updatedAt: '', ...extra,
  };
}

const warehouses = [warehouse('HZ01', '330100', { isDefault: true }), warehouse('GZ01', '440100'), warehouse('TJ01', '120000')];

/** The nearest of 杭州, 广州, 天津 to each province's seat, worked out by hand from a map. */
const nearest: Record<string, string> = {
  '11': 'TJ01', '12': 'TJ01', '13': 'TJ01', '14': 'TJ01', '15': 'TJ01', '21': 'TJ01', '22': 'TJ01', '23': 'TJ01',
  '31': 'HZ01', '32': 'HZ01', '33': 'HZ01', '34': 'HZ01', '35': 'HZ01', '36': 'HZ01', '37': 'TJ01',
  '41': 'TJ01', '42': 'HZ01', '43': 'GZ01', '44': 'GZ01', '45': 'GZ01', '46': 'GZ01',
  '50': 'GZ01', '51': 'GZ01', '52': 'GZ01', '53': 'GZ01', '54': 'GZ01',
  '61': 'TJ01', '62': 'TJ01', '63': 'TJ01', '64': 'TJ01', '65': 'TJ01', '71': 'HZ01', '81': 'GZ01', '82': 'GZ01',
};

/** Names as channels write them: full, or without the suffix (广西壮族自治区 → 广西). */
const short = (name: string) => name.replace(/(壮族|回族|维吾尔)?(自治区|特别行政区|省|市)$/, '');

test('every province-level division, named either way, routes to the warehouse nearest it', () => {
  const provinces = allProvinces();
  assert.equal(provinces.length, 34);
  for (const p of provinces) {
    const city = hasPrefectures(p) ? p.children.find((c) => c.children.length > 0) ?? p.children[0] : null;
    for (const name of [p.name, short(p.name)]) {
      const resolved = resolvePlace({ province: name, city: city?.name ?? p.name, district: null });
      assert.ok(resolved.ok, `${name}: ${JSON.stringify(resolved)}`);
      const route = routeOrder(
        { orderId: 'o', channel: 'taobao', receiver: { country: 'CN', ...resolved.place }, lines: [{ sku: 'MUG', quantity: 1 }] },
        warehouses, defaultRoutingSettings, new CapacityBook(warehouses, () => 0, new Date('2026-11-11T04:00:00Z')),
      );
      const ranked = route.rank(() => 1);
      assert.equal(ranked[0], nearest[p.code.slice(0, 2)], `${name} (${p.code})`);
      assert.equal(ranked.length, 3);
    }
  }
});

test('a warehouse past its cut-off works for tomorrow; its capacity is counted per work day', () => {
  assert.equal(workDay(new Date('2026-11-11T07:59:00Z'), { timeZone: 'Asia/Shanghai', cutOff: '16:00' }, undefined), '2026-11-11');
  assert.equal(workDay(new Date('2026-11-11T08:00:00Z'), { timeZone: 'Asia/Shanghai', cutOff: '16:00' }, undefined), '2026-11-12');
  assert.equal(workDay(new Date('2026-11-11T08:00:00Z'), { timeZone: 'America/Los_Angeles', cutOff: '14:00' }, undefined), '2026-11-11');
  const limited = [warehouse('HZ01', '330100', { dailyCapacity: 2, cutOff: '16:00' }), warehouse('GZ01', '440100')];
  const book = new CapacityBook(limited, (code, day) => (code === 'HZ01' && day === '2026-11-12' ? 1 : 0), new Date('2026-11-11T09:00:00Z'));
  const order = { orderId: 'o', channel: 'jd', receiver: { country: 'CN', provinceCode: '330000', cityCode: '330100', districtCode: null }, lines: [{ sku: 'MUG', quantity: 1 }] };
  const first = routeOrder(order, limited, defaultRoutingSettings, book);
  assert.deepEqual(first.rank(() => 1), ['HZ01', 'GZ01']);
  first.chosen(['HZ01']);
  const second = routeOrder(order, limited, defaultRoutingSettings, book);
  assert.deepEqual(second.rank(() => 1), ['GZ01']);
  assert.deepEqual(second.decision().dropped, [{ warehouseCode: 'HZ01', reason: 'daily capacity reached for 2026-11-12' }]);
});

test('nearest_balance prefers the equally near warehouse with more of the order’s stock; priority ignores distance', () => {
  const twoEast = [warehouse('HZ01', '330100', { priority: 5 }), warehouse('HZ02', '330100', { priority: 1 }), warehouse('GZ01', '440100', { priority: 0 })];
  const order = { orderId: 'o', channel: 'douyin', receiver: { country: 'CN', provinceCode: '330000', cityCode: '330100', districtCode: null }, lines: [{ sku: 'MUG', quantity: 3 }] };
  const book = () => new CapacityBook(twoEast, () => 0, new Date());
  const stock = (_sku: string, wh: string) => (wh === 'HZ01' ? 3 : 1);
  assert.deepEqual(routeOrder(order, twoEast, defaultRoutingSettings, book()).rank(stock), ['HZ02', 'HZ01', 'GZ01']);
  assert.deepEqual(routeOrder(order, twoEast, { ...defaultRoutingSettings, channelStrategies: { douyin: 'nearest_balance' } }, book()).rank(stock), ['HZ01', 'HZ02', 'GZ01']);
  assert.deepEqual(routeOrder(order, twoEast, { ...defaultRoutingSettings, strategy: 'priority' }, book()).rank(stock), ['GZ01', 'HZ02', 'HZ01']);
});
