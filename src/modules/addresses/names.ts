/**
 * How channels spell division names: full or short (广西 / 广西壮族自治区, 延边 / 延边朝鲜族自治州,
 * 黔东南州), with stray spaces and full-width characters. A name matches a division by its full
 * name, or by its stem when the suffixes agree (西安 or 西安市 is 西安市, never 西安区). Nothing
 * is matched by a partial name: a place we cannot name exactly is not guessed.
 */
export function clean(name: string | null | undefined): string {
  return (name ?? '').normalize('NFKC').replace(/\s+/g, '');
}

/** Administrative suffixes, longest first, for every level. */
const SUFFIXES = ['特别行政区', '自治区', '自治州', '自治县', '自治旗', '地区', '林区', '特区', '新区', '矿区', '省', '盟', '市', '区', '县', '旗', '州'];

/** The 55 minority nationalities as division names carry them (蒙古 and 柯尔克孜 also without 族). */
const NATIONALITIES = [
  '蒙古', '回', '藏', '维吾尔', '苗', '彝', '壮', '布依', '朝鲜', '满', '侗', '瑶', '白', '土家', '哈尼', '哈萨克', '傣', '黎', '傈僳',
  '佤', '畲', '高山', '拉祜', '水', '东乡', '纳西', '景颇', '柯尔克孜', '土', '达斡尔', '仫佬', '羌', '布朗', '撒拉', '毛南', '仡佬',
  '锡伯', '阿昌', '普米', '塔吉克', '怒', '乌孜别克', '俄罗斯', '鄂温克', '德昂', '保安', '裕固', '京', '塔塔尔', '独龙', '鄂伦春',
  '赫哲', '门巴', '珞巴', '基诺',
].sort((a, b) => b.length - a.length);

/** Suffixes a colloquial one stands for: 黔东南州 is 黔东南苗族侗族自治州, 城口县 may be an 自治县. */
const COLLOQUIAL: Record<string, readonly string[]> = { 州: ['自治州'], 县: ['自治县'], 旗: ['自治旗'], 区: ['自治区', '新区', '林区', '矿区', '特区'] };

export interface Parsed {
  stem: string;
  suffix: string;
}

/**
 * A name split into its stem and administrative suffix, nationalities dropped from autonomous
 * divisions: 广西壮族自治区 → 广西 + 自治区, 延边朝鲜族自治州 → 延边 + 自治州, 西湖区 → 西湖 + 区.
 * A stem keeps two characters at least (新区 stays whole).
 */
export function parse(name: string): Parsed {
  const full = clean(name);
  const suffix = SUFFIXES.find((s) => full.endsWith(s) && full.length - s.length >= 2) ?? '';
  let stem = full.slice(0, full.length - suffix.length);
  if (suffix.startsWith('自治')) {
    for (let dropped = true; dropped; ) {
      dropped = false;
      for (const n of NATIONALITIES) {
        for (const tail of [`${n}族`, n]) {
          if (stem.endsWith(tail) && stem.length - tail.length >= 2) {
            stem = stem.slice(0, -tail.length);
            dropped = true;
            break;
          }
        }
        if (dropped) break;
      }
    }
  }
  return { stem, suffix };
}

function suffixesAgree(given: string, actual: string): boolean {
  return given === '' || given === actual || (COLLOQUIAL[given]?.includes(actual) ?? false);
}

/** Names that say nothing about a division: what channels put in the city field of a municipality. */
export const PLACEHOLDERS = new Set(['市辖区', '县', '郊县', '城区', '市区', '省直辖县级行政区划', '自治区直辖县级行政区划']);

export interface Named {
  name: string;
}

/** Divisions by stem; a name shared by two divisions of one index finds neither (鼓楼区 in 南京 and 徐州). */
export class NameIndex<T extends Named> {
  private readonly byStem = new Map<string, { entry: T; suffix: string; full: string }[]>();

  constructor(entries: readonly T[]) {
    for (const entry of entries) {
      const { stem, suffix } = parse(entry.name);
      const list = this.byStem.get(stem) ?? [];
      list.push({ entry, suffix, full: clean(entry.name) });
      this.byStem.set(stem, list);
    }
  }

  find(name: string | null | undefined): T | undefined {
    const wanted = clean(name);
    if (wanted.length < 2) return undefined;
    const { stem, suffix } = parse(wanted);
    const candidates = this.byStem.get(stem) ?? [];
    const exact = candidates.filter((c) => c.full === wanted);
    const hits = exact.length > 0 ? exact : candidates.filter((c) => suffixesAgree(suffix, c.suffix));
    return hits.length === 1 ? hits[0]!.entry : undefined;
  }
}
