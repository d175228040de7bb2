import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolvePlace } from '../../src/modules/addresses/addresses.resolve.ts';
import { PROVINCES } from '../../sandbox/common/regions.ts';

/** The channel sandboxes' address table carries codes checked by hand; the resolver must agree with every one. */
test('every address the channel sandboxes generate resolves to the codes they carry', () => {
  let checked = 0;
  for (const province of PROVINCES) {
    for (const city of province.cities) {
      for (const district of city.districts) {
        const r = resolvePlace({ province: province.name, city: city.name, district: district.name });
        assert.ok(r.ok, `${province.name} ${city.name} ${district.name}`);
        assert.deepEqual([r.place.provinceCode, r.place.cityCode, r.place.districtCode], [province.code, city.code, district.code], `${province.name} ${city.name} ${district.name}`);
        checked++;
      }
    }
  }
  assert.equal(new Set(PROVINCES.map((p) => p.code)).size, 31, 'all 31 mainland province-level divisions');
  assert.ok(checked > 100, `${checked} addresses`);
});
