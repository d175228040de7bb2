import { allProvinces, hasPrefectures, isProvinceGoverned, type Division } from './divisions.ts';
import { clean, NameIndex, PLACEHOLDERS } from './names.ts';

/** A receiver's place as national division codes (GB/T 2260) with the divisions' own names. */
export interface ResolvedPlace {
  provinceCode: string;
  province: string;
  /** Null only where the data has no prefecture level for the province (台湾省). */
  cityCode: string | null;
  city: string | null;
  /** Null when the address names no county-level division we know (none given, or a town instead). */
  districtCode: string | null;
  district: string | null;
}

export type PlaceResolution =
  | { ok: true; place: ResolvedPlace }
  | { ok: false; code: 'PROVINCE_UNKNOWN' | 'CITY_UNKNOWN' | 'PLACE_MISMATCH'; reason: string };

export interface PlaceInput {
  province: string;
  city: string;
  district?: string | null;
}

interface Indexed {
  division: Division;
  /** Prefectures, or for municipalities the county-level units right under the province. */
  children: NameIndex<Division>;
  /** Every county-level unit of the province, with the prefecture it belongs to. */
  counties: NameIndex<Division & { prefecture: Division | null }>;
}

let index: { provinces: NameIndex<Division>; byCode: Map<string, Indexed>; countiesOf: Map<Division, NameIndex<Division>> } | undefined;

function load() {
  if (index) return index;
  const provinces = allProvinces();
  const byCode = new Map<string, Indexed>();
  const countiesOf = new Map<Division, NameIndex<Division>>();
  for (const p of provinces) {
    if (hasPrefectures(p)) for (const city of p.children) countiesOf.set(city, new NameIndex(city.children));
    const counties: (Division & { prefecture: Division | null })[] = hasPrefectures(p)
      ? p.children.flatMap((city) => city.children.map((county) => ({ ...county, prefecture: city })))
      : p.children.map((county) => ({ ...county, prefecture: null }));
    byCode.set(p.code, { division: p, children: new NameIndex(p.children), counties: new NameIndex(counties) });
  }
  index = { provinces: new NameIndex(provinces), byCode, countiesOf };
  return index;
}

const place = (province: Division, city: Division | null, county: Division | null, cityCode = city?.code ?? null): ResolvedPlace => ({
  provinceCode: province.code,
  province: province.name,
  cityCode,
  city: city?.name ?? null,
  districtCode: county?.code ?? null,
  district: county?.name ?? null,
});

/**
 * Resolves a receiver's province, city and district to division codes, tolerating the ways
 * channels write them: short or full names (广西 / 广西壮族自治区), municipalities with
 * 市辖区 or the municipality again as the city, a county-level city in the city field, a missing
 * district, a town where the district should be, stray spaces. A district that cannot be placed
 * leaves the place at city level. A province or city that cannot be placed, or a city and a
 * district that name two different places, is refused with the reason, never guessed.
 */
export function resolvePlace(input: PlaceInput): PlaceResolution {
  const { provinces, byCode, countiesOf } = load();
  const province = provinces.find(input.province);
  if (!province) return { ok: false, code: 'PROVINCE_UNKNOWN', reason: `province "${clean(input.province)}" is not a province-level division of China` };
  const p = byCode.get(province.code)!;
  const cityName = PLACEHOLDERS.has(clean(input.city)) || provinces.find(input.city) === province ? '' : clean(input.city);
  const refused = (why: string): PlaceResolution => ({ ok: false, code: 'CITY_UNKNOWN', reason: why });
  const unknownCity = () => refused(`city "${cityName}" is not a prefecture-level division of ${province.name}`);
  const within = (county: Division & { prefecture?: Division | null }) => (county.prefecture && !isProvinceGoverned(county.prefecture) ? `${county.prefecture.name} ${county.name}` : county.name);
  const disagree = (a: Division, b: Division): PlaceResolution => ({
    ok: false, code: 'PLACE_MISMATCH', reason: `city "${cityName}" (${within(a)}) and district "${clean(input.district)}" (${within(b)}) are different places`,
  });

  if (province.children.length === 0) return { ok: true, place: place(province, null, null) };

  if (!hasPrefectures(province)) {
    // 北京市 / 市辖区 / 朝阳区: the county-level unit may come as the district or as the city; the
    // city may also be a part of the region that is no division (香港 / 新界 / 沙田区).
    const fromCity = cityName ? p.children.find(cityName) : undefined;
    const fromDistrict = p.children.find(input.district);
    if (cityName && !fromCity && !fromDistrict) return unknownCity();
    if (fromCity && fromDistrict && fromCity !== fromDistrict) return disagree(fromCity, fromDistrict);
    const county = fromDistrict ?? fromCity ?? null;
    const special = !MUNICIPALITIES.has(province.code);
    const cityCode = special ? province.code : county ? `${county.code.slice(0, 4)}00` : `${province.code.slice(0, 2)}0100`;
    return { ok: true, place: { ...place(province, null, county, cityCode), city: province.name } };
  }

  const city = cityName ? p.children.find(cityName) : undefined;
  if (city && !isProvinceGoverned(city)) {
    const county = countiesOf.get(city)!.find(input.district) ?? null;
    // A district of another city of the province is a contradiction, not a town to pass over.
    const elsewhere = county ? undefined : p.counties.find(input.district);
    if (elsewhere?.prefecture && elsewhere.prefecture !== city) {
      return { ok: false, code: 'PLACE_MISMATCH', reason: `district "${clean(input.district)}" is in ${within(elsewhere)}, not in ${city.name}` };
    }
    return { ok: true, place: place(province, city, county) };
  }
  // A county-level unit may come as the city (仙桃市 governed by the province, 义乌市 for 金华市);
  // with no city at all, a district only one prefecture of the province has places the order.
  const fromCity = cityName ? p.counties.find(cityName) : undefined;
  const fromDistrict = p.counties.find(input.district);
  if (fromCity && fromDistrict && fromCity.code !== fromDistrict.code) return disagree(fromCity, fromDistrict);
  const county = fromCity ?? (cityName ? undefined : fromDistrict);
  if (!county?.prefecture) return cityName ? unknownCity() : refused(`no city given, and district "${clean(input.district)}" does not name one place in ${province.name}`);
  const governed = isProvinceGoverned(county.prefecture);
  return { ok: true, place: { ...place(province, county.prefecture, county), city: governed ? county.name : county.prefecture.name } };
}

/** 北京, 天津, 上海, 重庆: GB/T 2260 gives their districts city-level codes (110100, 500200). */
const MUNICIPALITIES = new Set(['110000', '120000', '310000', '500000']);
