import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolvePlace, type PlaceInput } from './addresses.resolve.ts';
import { allProvinces, hasPrefectures, isProvinceGoverned } from './divisions.ts';

const codes = (input: PlaceInput) => {
  const r = resolvePlace(input);
  return r.ok ? [r.place.provinceCode, r.place.cityCode, r.place.districtCode] : r.code;
};

test('every prefecture and county of every province-level division resolves from its full names', () => {
  let checked = 0;
  for (const province of allProvinces()) {
    if (!hasPrefectures(province)) {
      for (const county of province.children) {
        assert.deepEqual(codes({ province: province.name, city: '市辖区', district: county.name }), [province.code, `${county.code.slice(0, 4)}00`, county.code], county.name);
        checked++;
      }
      if (province.children.length === 0) assert.deepEqual(codes({ province: province.name, city: province.name }), [province.code, null, null]);
      continue;
    }
    for (const city of province.children) {
      if (isProvinceGoverned(city)) {
        for (const county of city.children) {
          assert.deepEqual(codes({ province: province.name, city: county.name }), [province.code, city.code, county.code], county.name);
          checked++;
        }
        continue;
      }
      assert.deepEqual(codes({ province: province.name, city: city.name }), [province.code, city.code, null], city.name);
      for (const county of city.children) {
        assert.deepEqual(codes({ province: province.name, city: city.name, district: county.name }), [province.code, city.code, county.code], `${city.name} ${county.name}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 2800, `${checked} county-level divisions checked`);
});

test('every province-level division resolves from its short name and with stray spaces', () => {
  const short: Record<string, string> = {
    北京: '110000', 天津: '120000', 河北: '130000', 山西: '140000', 内蒙古: '150000', 辽宁: '210000', 吉林: '220000', 黑龙江: '230000',
    上海: '310000', 江苏: '320000', 浙江: '330000', 安徽: '340000', 福建: '350000', 江西: '360000', 山东: '370000', 河南: '410000',
    湖北: '420000', 湖南: '430000', 广东: '440000', 广西: '450000', 海南: '460000', 重庆: '500000', 四川: '510000', 贵州: '520000',
    云南: '530000', 西藏: '540000', 陕西: '610000', 甘肃: '620000', 青海: '630000', 宁夏: '640000', 新疆: '650000', 台湾: '710000',
    香港: '810000', 澳门: '820000',
  };
  assert.equal(Object.keys(short).length, allProvinces().length, 'one entry per province-level division');
  for (const [name, code] of Object.entries(short)) {
    const first = allProvinces().find((p) => p.code === code)!.children[0];
    for (const spelled of [name, ` ${name} `, `${name}\u3000`]) {
      const r = resolvePlace({ province: spelled, city: first?.name ?? '' });
      assert.ok(r.ok, `${spelled}: ${r.ok ? '' : r.reason}`);
      assert.equal(r.place.provinceCode, code, spelled);
    }
  }
});

test('the variants channels send', () => {
  // Autonomous regions, long and short.
  assert.deepEqual(codes({ province: '广西壮族自治区', city: '南宁市', district: '青秀区' }), ['450000', '450100', '450103']);
  assert.deepEqual(codes({ province: '广西', city: '南宁', district: '青秀' }), ['450000', '450100', '450103']);
  // Municipalities: 市辖区, the municipality again, or the district in the city field.
  assert.deepEqual(codes({ province: '北京市', city: '市辖区', district: '朝阳区' }), ['110000', '110100', '110105']);
  assert.deepEqual(codes({ province: '北京', city: '北京市', district: '朝阳区' }), ['110000', '110100', '110105']);
  assert.deepEqual(codes({ province: '上海', city: '浦东新区' }), ['310000', '310100', '310115']);
  assert.deepEqual(codes({ province: '重庆市', city: '县', district: '城口县' }), ['500000', '500200', '500229']);
  assert.deepEqual(codes({ province: '天津市', city: '天津市' }), ['120000', '120100', null], 'a municipality without a district');
  // Missing district, a town as the district, extra spaces.
  assert.deepEqual(codes({ province: '浙江省', city: '杭州市' }), ['330000', '330100', null]);
  assert.deepEqual(codes({ province: '浙江省', city: '杭州市', district: '西溪街道' }), ['330000', '330100', null]);
  assert.deepEqual(codes({ province: ' 浙江省 ', city: '杭州 市', district: ' 西湖区' }), ['330000', '330100', '330106']);
  assert.deepEqual(codes({ province: '广东省', city: '东莞市', district: '长安镇' }), ['440000', '441900', null]);
  // County-level cities: governed by the province, or given in place of their prefecture.
  assert.deepEqual(codes({ province: '湖北省', city: '仙桃市' }), ['420000', '429000', '429004']);
  assert.deepEqual(codes({ province: '新疆', city: '石河子市', district: '石河子市' }), ['650000', '659000', '659001']);
  assert.deepEqual(codes({ province: '浙江', city: '义乌市' }), ['330000', '330700', '330782']);
  // Autonomous prefectures by their short name.
  assert.deepEqual(codes({ province: '吉林省', city: '延边' }), ['220000', '222400', null]);
  assert.deepEqual(codes({ province: '贵州省', city: '黔西市' }), ['520000', '520500', '520581'], '黔西市 of 毕节, not 黔西南州');
  assert.deepEqual(codes({ province: '贵州', city: '黔东南州', district: '凯里市' }), ['520000', '522600', '522601']);
  assert.deepEqual(codes({ province: '香港', city: '香港', district: '九龙城区' }), ['810000', '810000', '810007']);
  assert.deepEqual(codes({ province: '香港', city: '新界', district: '沙田区' }), ['810000', '810000', '810016']);
  // No city, but a district only one prefecture of the province has.
  assert.deepEqual(codes({ province: '浙江省', city: '', district: '西湖区' }), ['330000', '330100', '330106']);
});

test('what cannot be placed is refused with the reason, never guessed', () => {
  assert.equal(codes({ province: '火星省', city: '杭州市' }), 'PROVINCE_UNKNOWN');
  assert.equal(codes({ province: '', city: '杭州市' }), 'PROVINCE_UNKNOWN');
  assert.equal(codes({ province: '浙江省', city: '杭洲市', district: '西湖区' }), 'CITY_UNKNOWN', 'a misspelt city is not replaced by the district’s');
  assert.equal(codes({ province: '浙江省', city: '苏州市', district: '吴中区' }), 'CITY_UNKNOWN', 'a city of another province');
  assert.equal(codes({ province: '江苏省', city: '', district: '鼓楼区' }), 'CITY_UNKNOWN', '鼓楼区 is in both 南京 and 徐州');
  // Places that are near a match, or contradict themselves, are not placed.
  assert.equal(codes({ province: '北京', city: '廊坊市', district: '三河市' }), 'CITY_UNKNOWN', 'a city of another province under a municipality');
  assert.equal(codes({ province: '上海市', city: '苏州市', district: '昆山市' }), 'CITY_UNKNOWN');
  assert.equal(codes({ province: '香港', city: '深圳市', district: '南山区' }), 'CITY_UNKNOWN');
  assert.equal(codes({ province: '香港', city: '九龙', district: '旺角' }), 'CITY_UNKNOWN', '九龙 is a region, not 九龙城区');
  assert.equal(codes({ province: '吉林省', city: '西安市', district: '雁塔区' }), 'CITY_UNKNOWN', '西安市 is not 辽源 西安区');
  assert.equal(codes({ province: '浙江', city: '义乌市', district: '西湖区' }), 'PLACE_MISMATCH', 'a county-level city and another district');
  assert.equal(codes({ province: '北京', city: '朝阳区', district: '海淀区' }), 'PLACE_MISMATCH');
  assert.equal(codes({ province: '浙江省', city: '杭州市', district: '海曙区' }), 'PLACE_MISMATCH', '海曙区 is in 宁波');
  const r = resolvePlace({ province: '浙江省', city: '杭洲市' });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /杭洲市.*浙江省/);
});
