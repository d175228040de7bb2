import assert from 'node:assert/strict';
import { test } from 'node:test';
import ct from 'countries-and-timezones';
import Holidays from 'date-holidays';
import { IANAZone } from 'luxon';
import { currencyExponent, isCurrencyCode, isKnownRegion, packCountries, packOf, zoneFor, zoneOfAddress } from './time.regions.ts';

// The markets the brief requires, and Russia.
const markets = ['CN', 'HK', 'TW', 'JP', 'KR', 'SG', 'MY', 'TH', 'AU', 'NZ', 'US', 'CA', 'MX', 'BR', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'AE', 'SA', 'RU'];

function pack(country: string) {
  const found = packOf(country);
  assert.ok(found, `${country} has a pack`);
  return found;
}

test('every required market and Russia has a pack, and packCountries is sorted', () => {
  for (const country of markets) assert.ok(packCountries.includes(country), country);
  assert.deepEqual(packCountries, [...packCountries].sort());
  for (const country of packCountries) assert.equal(pack(country).country, country);
});

test('the CLI examples: US NY, AU NSW, MX CMX', () => {
  assert.equal(zoneFor('US', 'NY'), 'America/New_York');
  assert.equal(zoneFor('AU', 'NSW'), 'Australia/Sydney');
  assert.equal(zoneFor('MX', 'CMX'), 'America/Mexico_City');
});

test('subdivisions on their own clocks get their own zone', () => {
  const cases: [string, string, string][] = [
    ['US', 'AZ', 'America/Phoenix'],
    ['US', 'HI', 'Pacific/Honolulu'],
    ['US', 'AK', 'America/Anchorage'],
    ['US', 'IN', 'America/Indiana/Indianapolis'],
    ['US', 'TX', 'America/Chicago'],
    ['US', 'CA', 'America/Los_Angeles'],
    ['CA', 'BC', 'America/Vancouver'],
    ['CA', 'SK', 'America/Regina'],
    ['CA', 'NL', 'America/St_Johns'],
    ['BR', 'SP', 'America/Sao_Paulo'],
    ['BR', 'AM', 'America/Manaus'],
    ['BR', 'AC', 'America/Rio_Branco'],
    ['AU', 'WA', 'Australia/Perth'],
    ['AU', 'QLD', 'Australia/Brisbane'],
    ['AU', 'ACT', 'Australia/Sydney'],
    ['MX', 'BCN', 'America/Tijuana'],
    ['MX', 'SON', 'America/Hermosillo'],
    ['MX', 'ROO', 'America/Cancun'],
    ['MX', 'CHH', 'America/Chihuahua'],
    ['RU', 'MOW', 'Europe/Moscow'],
    ['RU', 'KGD', 'Europe/Kaliningrad'],
    ['RU', 'SAM', 'Europe/Samara'],
    ['RU', 'SVE', 'Asia/Yekaterinburg'],
    ['RU', 'NVS', 'Asia/Novosibirsk'],
    ['RU', 'KYA', 'Asia/Krasnoyarsk'],
    ['RU', 'IRK', 'Asia/Irkutsk'],
    ['RU', 'PRI', 'Asia/Vladivostok'],
    ['RU', 'KAM', 'Asia/Kamchatka'],
    ['ES', 'CN', 'Atlantic/Canary'],
    ['NZ', 'CIT', 'Pacific/Chatham'],
  ];
  for (const [country, region, zone] of cases) assert.equal(zoneFor(country, region), zone, `${country}-${region}`);
});

test('a region may carry its country prefix, and case and spaces do not matter', () => {
  assert.equal(zoneFor('US', 'US-NY'), 'America/New_York');
  assert.equal(zoneFor('us', 'us-az'), 'America/Phoenix');
  assert.equal(zoneFor(' au ', ' wa '), 'Australia/Perth');
  assert.ok(isKnownRegion('ca', 'CA-bc'));
  assert.equal(packOf('jp')?.country, 'JP');
});

test('an unknown or missing region falls back to the country default zone', () => {
  assert.equal(zoneFor('US', 'ZZ'), 'America/New_York');
  assert.equal(zoneFor('US', 'CA-BC'), 'America/New_York', 'another country\'s prefix is no region of this one');
  assert.equal(zoneFor('US', 'constructor'), 'America/New_York');
  assert.equal(zoneFor('US'), 'America/New_York');
  assert.equal(zoneFor('US', null), 'America/New_York');
  assert.equal(zoneFor('US', ''), 'America/New_York');
  assert.equal(zoneFor('RU', 'ZZZ'), 'Europe/Moscow');
  assert.equal(zoneFor('JP', 'TOKYO'), 'Asia/Tokyo');
  assert.equal(isKnownRegion('US', 'BC'), false);
  assert.equal(isKnownRegion('JP', '13'), false);
});

test('a country without a pack has no zone', () => {
  assert.equal(zoneFor('ZZ', 'NY'), null);
  assert.equal(zoneFor('AR'), null);
  assert.equal(packOf('ZZ'), null);
  assert.equal(isKnownRegion('ZZ', 'NY'), false);
});

test('ISO 4217 exponents come from currency-codes, for any code', () => {
  assert.equal(currencyExponent('JPY'), 0);
  assert.equal(currencyExponent('CNY'), 2);
  assert.equal(currencyExponent('USD'), 2);
  assert.equal(currencyExponent('KWD'), 3);
  assert.equal(currencyExponent('BHD'), 3);
  assert.equal(currencyExponent('CLF'), 4);
  assert.equal(currencyExponent('krw'), 0);
  assert.equal(currencyExponent('ABC'), null);
  assert.equal(currencyExponent(''), null);
  assert.ok(isCurrencyCode('EUR'));
  assert.ok(!isCurrencyCode('RMB'));
});

test('each pack carries its country\'s currency and exponent', () => {
  const cases: [string, string, number][] = [
    ['CN', 'CNY', 2],
    ['JP', 'JPY', 0],
    ['KR', 'KRW', 0],
    ['GB', 'GBP', 2],
    ['DE', 'EUR', 2],
    ['AE', 'AED', 2],
    ['SA', 'SAR', 2],
    ['US', 'USD', 2],
  ];
  for (const [country, currency, exponent] of cases) {
    assert.equal(pack(country).currency, currency, country);
    assert.equal(pack(country).currencyExponent, exponent, country);
  }
});

test('languages are canonical BCP 47 tags of the country, and cut-offs are HH:mm', () => {
  assert.equal(pack('CN').language, 'zh-CN');
  assert.equal(pack('US').language, 'en-US');
  assert.equal(pack('JP').language, 'ja-JP');
  assert.equal(pack('BR').language, 'pt-BR');
  for (const country of packCountries) {
    const { language, cutOff } = pack(country);
    assert.deepEqual(Intl.getCanonicalLocales(language), [language]);
    assert.equal(new Intl.Locale(language).region, country);
    assert.match(cutOff, /^([01]\d|2[0-3]):[0-5]\d$/, country);
  }
});

test('every zone of every pack is valid and is one of its country\'s zones in countries-and-timezones', () => {
  for (const country of packCountries) {
    const p = pack(country);
    const listed = new Set<string>(ct.getCountry(country, { deprecated: true })?.timezones ?? []);
    for (const zone of new Set([p.zone, ...p.zones, ...Object.values(p.subdivisions)])) {
      assert.ok(IANAZone.isValidZone(zone), `${country}: ${zone} is a valid zone`);
      assert.ok(listed.has(zone), `${country}: ${zone} is listed for ${country}`);
    }
    assert.ok(p.zones.includes(p.zone), `${country}: its default zone is among its zones`);
  }
  assert.equal(pack('NL').zone, 'Europe/Amsterdam');
  assert.ok(pack('US').zones.includes('America/Adak'), 'the zone list is the package\'s, not only the pack\'s');
});

test('the split countries list every subdivision', () => {
  const counts: Record<string, number> = { US: 51, CA: 13, AU: 8, BR: 27, MX: 32, RU: 83 };
  for (const [country, count] of Object.entries(counts)) {
    assert.equal(Object.keys(pack(country).subdivisions).length, count, country);
  }
  assert.ok(isKnownRegion('US', 'DC'));
});

test('the subdivision codes agree with the ones date-holidays knows', () => {
  const holidays = new Holidays();
  // date-holidays has every state for these countries; for ES, NZ its list is the first level only.
  for (const [country, exact] of [['US', true], ['CA', true], ['AU', true], ['BR', true], ['ES', false], ['NZ', true]] as const) {
    const theirs = Object.keys(holidays.getStates(country) ?? {}).sort();
    const ours = Object.keys(pack(country).subdivisions).sort();
    assert.ok(theirs.length > 0, `date-holidays knows ${country}'s states`);
    if (exact) assert.deepEqual(ours, theirs, country);
    else for (const code of theirs) assert.ok(ours.includes(code), `${country}-${code}`);
  }
});

test('a pack cannot be changed by its caller', () => {
  const p = pack('US');
  assert.throws(() => {
    (p.subdivisions as Record<string, string>).NY = 'Asia/Tokyo';
  }, TypeError);
  assert.equal(zoneFor('US', 'NY'), 'America/New_York');
});

test('an address\'s zone only where the packs can tell it', () => {
  assert.equal(zoneOfAddress('CN', '浙江省'), 'Asia/Shanghai');
  assert.equal(zoneOfAddress('JP', 'Tokyo'), 'Asia/Tokyo');
  assert.equal(zoneOfAddress('US', 'CA'), 'America/Los_Angeles');
  assert.equal(zoneOfAddress('US', 'US-NY'), 'America/New_York');
  assert.equal(zoneOfAddress('US', 'California'), null, 'a split country without a known region is not guessed');
  assert.equal(zoneOfAddress('ZZ', 'X'), null);
});
