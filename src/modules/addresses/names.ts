/**
 * How channels spell division names: full or short (广西 / 广西壮族自治区, 延边 / 延边朝鲜族自治州),
 * with stray spaces and full-width characters. Names are compared after `clean`; a name
 * matches a division by its full name, its short name, or as the unique division whose name it
 * begins (two characters at least).
 */
export function clean(name: string | null | undefined): string {
  return (name ?? '').normalize('NFKC').replace(/\s+/g, '');
}

const SUFFIXES = [
  // Provincial level
  '维吾尔自治区', '壮族自治区', '回族自治区', '特别行政区', '自治区', '省',
  // Prefecture and county level
  '自治州', '自治县', '自治旗', '地区', '林区', '特区', '新区', '矿区', '盟', '市', '区', '县', '旗',
];

/** The name without its administrative suffix: 广西壮族自治区 → 广西, 西湖区 → 西湖, 延边朝鲜族自治州 → 延边朝鲜族. */
export function shortName(full: string): string {
  for (const suffix of SUFFIXES) {
    if (full.endsWith(suffix) && full.length - suffix.length >= 2) return full.slice(0, -suffix.length);
  }
  return full;
}

/** Names that say nothing about a division: what channels put in the city field of a municipality. */
export const PLACEHOLDERS = new Set(['市辖区', '县', '郊县', '城区', '市区', '省直辖县级行政区划', '自治区直辖县级行政区划']);

export interface Named {
  name: string;
}

/** An index of divisions by cleaned full and short names, with prefix matching as the last resort. */
export class NameIndex<T extends Named> {
  private readonly byName = new Map<string, T | null>();

  constructor(private readonly entries: readonly T[]) {
    const fullNames = new Map<string, T | null>();
    for (const entry of entries) {
      const full = clean(entry.name);
      fullNames.set(full, fullNames.has(full) ? null : entry);
      const short = shortName(full);
      this.byName.set(short, this.byName.has(short) && this.byName.get(short) !== entry ? null : entry);
    }
    // A full name wins over another division's short name; two divisions sharing a name (鼓楼区
    // in two cities of one province) make it ambiguous, so neither is found by it.
    for (const [full, entry] of fullNames) this.byName.set(full, entry);
  }

  find(name: string | null | undefined): T | undefined {
    const wanted = clean(name);
    if (wanted.length < 2) return undefined;
    const hit = this.byName.get(wanted) ?? this.byName.get(shortName(wanted));
    if (hit) return hit;
    if (hit === null) return undefined;
    const stem = shortName(wanted);
    const begins = this.entries.filter((e) => clean(e.name).startsWith(stem));
    return begins.length === 1 ? begins[0] : undefined;
  }
}
