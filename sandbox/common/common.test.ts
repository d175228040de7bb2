import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CATALOGUE } from './catalogue.ts';
import { generateScenario } from './order-scenario.ts';
import { Prng } from './prng.ts';
import { int, parseJsonKeepingBigIntegers, writeJson } from './raw-json.ts';
import { generateReceiver } from './receiver.ts';
import { PROVINCES } from './regions.ts';
import { Timeline } from './timeline.ts';

test('a seed replays the same draws, and a labelled fork is its own replayable stream', () => {
  const draws = (seed: string) => {
    const rng = new Prng(seed);
    return Array.from({ length: 5 }, () => rng.nextUint32());
  };
  assert.deepEqual(draws('a'), draws('a'));
  assert.notDeepEqual(draws('a'), draws('b'));
  const [x1, x2, y] = [new Prng(1).fork('x'), new Prng(1).fork('x'), new Prng(1).fork('y')];
  assert.equal(x1.nextUint32(), x2.nextUint32());
  assert.notEqual(new Prng(1).fork('x').nextUint32(), y.nextUint32());
  const rng = new Prng(1);
  const values = Array.from({ length: 10_000 }, () => rng.next());
  assert.ok(values.every((v) => v >= 0 && v < 1));
  assert.ok(Math.abs(values.reduce((s, v) => s + v, 0) / values.length - 0.5) < 0.02);
});

test('31 province-level divisions whose city and district codes nest inside them', () => {
  assert.equal(PROVINCES.length, 31);
  const codes = new Set<string>();
  for (const province of PROVINCES) {
    assert.match(province.code, /^\d{2}0000$/);
    assert.ok(province.cities.length >= 1);
    for (const city of province.cities) {
      assert.equal(city.code.slice(0, 2), province.code.slice(0, 2), `${city.name} in ${province.name}`);
      assert.match(city.code, /^\d{4}00$/);
      for (const district of city.districts) {
        assert.equal(district.code.slice(0, 4), city.code.slice(0, 4), `${district.name} in ${city.name}`);
        assert.ok(!codes.has(district.code), `duplicate ${district.code}`);
        codes.add(district.code);
      }
    }
  }
  // The big provinces list more than one city.
  for (const name of ['广东省', '山东省', '河南省', '江苏省', '浙江省', '四川省']) {
    assert.ok((PROVINCES.find((p) => p.name === name)?.cities.length ?? 0) > 2, name);
  }
});

test('receivers are masked the platforms’ way and spread by population', () => {
  const rng = new Prng('receivers');
  const byProvince = new Map<string, number>();
  for (let i = 0; i < 5000; i++) {
    const r = generateReceiver(rng);
    assert.match(r.phone, /^1\d{10}$/);
    assert.equal(r.maskedPhone, `${r.phone.slice(0, 3)}****${r.phone.slice(-4)}`);
    assert.ok(r.maskedName.startsWith(r.name.slice(0, 1)) && r.maskedName.endsWith('*'));
    assert.ok(r.street.code.startsWith(r.district.code) && r.street.code.length === 9);
    byProvince.set(r.province.name, (byProvince.get(r.province.name) ?? 0) + 1);
  }
  const ranked = [...byProvince.entries()].sort((a, b) => b[1] - a[1]);
  assert.equal(ranked[0]![0], '广东省');
  assert.ok((byProvince.get('西藏自治区') ?? 0) < (byProvince.get('河南省') ?? 0) / 10);
});

test('scenarios: 1–3 distinct lines, rates honoured, and a timeline that never runs backwards', () => {
  const rng = new Prng('scenarios');
  const rates = { presaleRate: 0.2, vipRate: 0.3, expressRate: 0.1, unpaidCancelRate: 0.1, paidCancelRate: 0.1, addressChangeRate: 0.2, buyerMessageRate: 0.2 };
  let presale = 0;
  for (let i = 0; i < 2000; i++) {
    const s = generateScenario(rng, 1_700_000_000_000, rates);
    assert.ok(s.lines.length >= 1 && s.lines.length <= 3);
    assert.equal(new Set(s.lines.map((l) => l.sku.outSkuId)).size, s.lines.length);
    assert.ok(s.discountFen < s.lines.reduce((sum, l) => sum + l.unitPriceFen * l.quantity, 0));
    if (s.presale) {
      presale++;
      assert.ok(!s.express && s.lines.every((l) => l.product.presaleEligible));
    }
    if (s.paidAt !== undefined) assert.ok(s.paidAt > s.createdAt);
    if (s.cancelledAt !== undefined) assert.ok(s.cancelledAt > (s.paidAt ?? s.createdAt));
    if (s.addressChangedAt !== undefined) assert.ok(s.paidAt !== undefined && s.addressChangedAt > s.paidAt && !!s.newReceiver);
  }
  assert.ok(presale > 300 && presale < 500, `presale ${presale}`);
  assert.ok(CATALOGUE.every((p) => p.skus.every((sku) => Number.isInteger(sku.priceFen) && sku.priceFen > 0)));
});

test('raw JSON keeps integers beyond 2^53 digit for digit, both ways', () => {
  const text = writeJson({ p_id: int('4781320682406083640'), n: 1, s: '4781320682406083640', list: [int(7n)] });
  assert.equal(text, '{"p_id":4781320682406083640,"n":1,"s":"4781320682406083640","list":[7]}');
  assert.deepEqual(parseJsonKeepingBigIntegers(text), { p_id: '4781320682406083640', n: 1, s: '4781320682406083640', list: [7] });
  assert.deepEqual(parseJsonKeepingBigIntegers('{"a":"x\\"9007199254740993","b":-9007199254740993,"c":1.5e3}'), {
    a: 'x"9007199254740993',
    b: '-9007199254740993',
    c: 1500,
  });
  assert.throws(() => writeJson({ id: 4781320682406083640 }), TypeError);
  assert.throws(() => parseJsonKeepingBigIntegers('{"a":'), SyntaxError);
});

test('the timeline hands out due items in time order, ties in scheduling order', () => {
  const timeline = new Timeline<string>();
  for (const [at, name] of [[30, 'c'], [10, 'a'], [20, 'b1'], [20, 'b2'], [40, 'd']] as const) timeline.schedule(at, name);
  const out: string[] = [];
  for (let next = timeline.takeNext(30); next; next = timeline.takeNext(30)) out.push(next.item);
  assert.deepEqual(out, ['a', 'b1', 'b2', 'c']);
  assert.equal(timeline.size, 1);
});

test('OneAtATime runs one at a time, however many wait, and goes on after a failure', async () => {
  const { OneAtATime } = await import('./lifecycle.ts');
  const once = new OneAtATime<number>();
  let running = 0;
  let most = 0;
  const work = async () => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running--;
    return 1;
  };
  await Promise.all([once.run(work), once.run(work), once.run(work), once.run(work)]);
  await assert.rejects(once.run(async () => Promise.reject(new Error('failed'))));
  assert.equal(await once.run(work), 1);
  await once.idle();
  assert.equal(most, 1);
  assert.equal(once.busy, false);
});
