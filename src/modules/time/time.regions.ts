import ct from 'countries-and-timezones';
import { countries, type ICountry } from 'countries-list';
import cc from 'currency-codes';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { isHhmm, isTimeZone } from '../../platform/time/wall-clock.ts';
import data from './regions/packs.json' with { type: 'json' };

/**
 * Region packs: a market's clock, money, language and carrier cut-off, by country and ISO 3166-2
 * subdivision. The facts a package maintains (currencies, ISO 4217 exponents, each country's zones)
 * come from it at load time; regions/packs.json holds only what no package has, and is checked
 * against the packages once, here, so a typo fails at startup instead of shifting a cut-off by hours.
 */
export interface RegionPack {
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  /** The zone for an address whose region is missing or not in `subdivisions`. */
  zone: string;
  /** Every zone of the country (countries-and-timezones), with the pack's own. */
  zones: readonly string[];
  /** ISO 4217 code of the country's main currency (countries-list). */
  currency: string;
  /** Minor-unit digits of `currency` (currency-codes): 2 for CNY, 0 for JPY. */
  currencyExponent: number;
  /** BCP 47 tag, e.g. zh-CN, pt-BR. */
  language: string;
  /** Default carrier cut-off, local "HH:mm". */
  cutOff: string;
  /** ISO 3166-2 code after the dash → zone; empty where the whole country keeps one clock. */
  subdivisions: Readonly<Record<string, string>>;
}

const comment = z.union([z.string(), z.array(z.string())]).optional();

const entrySchema = z.strictObject({
  $comment: comment,
  language: z.string(),
  cutOff: z.string().refine(isHhmm, 'cutOff is not "HH:mm"'),
  defaultZone: z.string().optional(),
  subdivisions: z.record(z.string().regex(/^[A-Z0-9]{1,3}$/), z.string()).optional(),
});

const fileSchema = z.strictObject({ $comment: comment, countries: z.record(z.string().regex(/^[A-Z]{2}$/), entrySchema) });

type PackEntry = z.infer<typeof entrySchema>;

/** Exponents looked up so far: currency-codes searches its list each time. */
const exponents = new Map<string, number | null>();

/** Minor-unit digits of an ISO 4217 code (JPY 0, USD 2, KWD 3, CLF 4), case-insensitive; null when ISO 4217 has no such code. */
export function currencyExponent(code: string): number | null {
  let digits = exponents.get(code);
  if (digits === undefined) {
    digits = cc.code(code.trim())?.digits ?? null;
    // Only ISO codes are kept: an order's currency is checked with every order, and nonsense must not grow the map.
    if (digits !== null) exponents.set(code, digits);
  }
  return digits;
}

/** Whether ISO 4217 (as currency-codes has it) lists the code, case-insensitive. */
export function isCurrencyCode(code: string): boolean {
  return currencyExponent(code) !== null;
}

function countryData(country: string): ICountry | undefined {
  return (countries as Partial<Record<string, ICountry>>)[country];
}

/** Why the language tag is wrong, or null. It must be canonical, and name the country and one of its languages. */
function languageProblem(country: string, tag: string): string | null {
  let locale: Intl.Locale;
  try {
    locale = new Intl.Locale(tag);
  } catch {
    return `language ${JSON.stringify(tag)} is not a BCP 47 tag`;
  }
  const spoken: readonly string[] = countryData(country)?.languages ?? [];
  if (locale.baseName !== tag || locale.region !== country || !spoken.includes(locale.language)) {
    return `language ${tag} should be <one of ${spoken.join('|')}>-${country} in canonical form`;
  }
  return null;
}

/**
 * Why the pack's zones are wrong. Aliases such as Europe/Amsterdam count as the country's zones:
 * countries-and-timezones lists them as deprecated, but they are the names people know and the
 * runtime resolves them.
 */
function zoneProblems(country: string, zones: readonly string[]): string[] {
  const accepted = new Set<string>(ct.getCountry(country, { deprecated: true })?.timezones ?? []);
  return zones.flatMap((zone) => {
    if (!isTimeZone(zone)) return [`${zone} is not a zone this runtime knows`];
    return accepted.has(zone) ? [] : [`${zone} is not one of its zones in countries-and-timezones`];
  });
}

/** The country's main currency (the first countries-list gives) with its exponent, or null. */
function currencyOf(country: string): { code: string; exponent: number } | null {
  const code = countryData(country)?.currency[0];
  const exponent = code === undefined ? null : currencyExponent(code);
  return code === undefined || exponent === null ? null : { code, exponent };
}

/** The pack for one country, or null with the reasons pushed onto `problems`. */
function packFrom(country: string, entry: PackEntry, problems: string[]): RegionPack | null {
  const before = problems.length;
  const fail = (why: string) => problems.push(`${country}: ${why}`);
  const listed = ct.getCountry(country)?.timezones ?? [];
  if (listed.length === 0 || !countryData(country)) {
    fail('not a country that countries-and-timezones and countries-list both know');
    return null;
  }
  const zone = entry.defaultZone ?? (listed.length === 1 ? listed[0] : undefined);
  if (zone === undefined) fail(`it has several zones (${listed.join(', ')}): set defaultZone`);
  const subdivisions = entry.subdivisions ?? {};
  const ownZones = [...new Set([...(zone ? [zone] : []), ...Object.values(subdivisions)])];
  zoneProblems(country, ownZones).forEach(fail);
  const currency = currencyOf(country);
  if (!currency) fail(`no ISO 4217 currency (countries-list has ${countryData(country)?.currency.join(', ') || 'none'})`);
  const languageWrong = languageProblem(country, entry.language);
  if (languageWrong) fail(languageWrong);

  if (problems.length > before || zone === undefined || !currency) return null;
  return Object.freeze({
    country,
    zone,
    zones: Object.freeze([...new Set([...listed, ...ownZones])].sort()),
    currency: currency.code,
    currencyExponent: currency.exponent,
    language: entry.language,
    cutOff: entry.cutOff,
    subdivisions: Object.freeze({ ...subdivisions }),
  });
}

function loadPacks(): ReadonlyMap<string, RegionPack> {
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) throw new Error(`time regions: regions/packs.json is malformed:\n${z.prettifyError(parsed.error)}`);
  const problems: string[] = [];
  const packs = new Map<string, RegionPack>();
  for (const [country, entry] of Object.entries(parsed.data.countries)) {
    const pack = packFrom(country, entry, problems);
    if (pack) packs.set(country, pack);
  }
  if (problems.length > 0) throw new Error(`time regions: regions/packs.json disagrees with the packages:\n  ${problems.join('\n  ')}`);
  return packs;
}

const packs = loadPacks();

/** The countries (ISO 3166-1 alpha-2) that have a pack, sorted. */
export const packCountries: readonly string[] = Object.freeze([...packs.keys()].sort());

/** The country's pack, case-insensitive; null when it has none. */
export function packOf(country: string): RegionPack | null {
  return packs.get(country.trim().toUpperCase()) ?? null;
}

/** The subdivision's zone; 'NY' and 'US-NY' name the same one. Own keys only, so 'constructor' is no region. */
function subdivisionZone(pack: RegionPack, region: string): string | undefined {
  const code = region.trim().toUpperCase();
  const key = code.startsWith(`${pack.country}-`) ? code.slice(pack.country.length + 1) : code;
  return Object.hasOwn(pack.subdivisions, key) ? pack.subdivisions[key] : undefined;
}

/**
 * The zone of an address: its subdivision's ('NY' or 'US-NY', case-insensitive), else the
 * country's default; null when the country has no pack.
 */
export function zoneFor(country: string, region?: string | null): string | null {
  const pack = packOf(country);
  if (!pack) return null;
  return (region ? subdivisionZone(pack, region) : undefined) ?? pack.zone;
}

/** Whether the country's pack lists this subdivision ('NY' or 'US-NY', case-insensitive). */
export function isKnownRegion(country: string, region: string): boolean {
  const pack = packOf(country);
  return pack !== null && subdivisionZone(pack, region) !== undefined;
}

/**
 * The zone an operator asks for a country and, optionally, a region: the region's when the pack
 * knows it, the country's when the whole country keeps one clock; null otherwise (no pack, or a
 * region of a split country the pack does not know), never the country's default for a region it cannot place.
 */
export function zoneAskedFor(country: string, region?: string | null): string | null {
  return region ? zoneOfAddress(country, region) : zoneFor(country);
}

/**
 * The zone of an address only when the packs can tell it: its subdivision's, or its country's
 * where the whole country keeps one clock. Null for a country split between zones whose region
 * the pack does not know (a state written out in full, say), rather than a guess.
 */
export function zoneOfAddress(country: string, region?: string | null): string | null {
  const pack = packOf(country);
  if (!pack) return null;
  const zone = region ? subdivisionZone(pack, region) : undefined;
  if (zone) return zone;
  let single = oneClock.get(pack.country);
  if (single === undefined) oneClock.set(pack.country, (single = new Set([pack.zone, ...Object.values(pack.subdivisions)]).size === 1));
  return single ? pack.zone : null;
}

/** Whether each country keeps one clock throughout, worked out once. */
const oneClock = new Map<string, boolean>();

/**
 * The pack of a country a calendar or warehouse is placed in, its region checked: 422
 * REGION_UNKNOWN for a country without a pack or a subdivision the pack does not know.
 */
export function requirePack(country: string, region: string | null): RegionPack {
  const pack = packOf(country);
  if (!pack) throw new AppError('REGION_UNKNOWN', `no region pack for country ${country}`, [{ path: 'country', message: 'no region pack' }]);
  if (region && !isKnownRegion(country, region)) throw new AppError('REGION_UNKNOWN', `${country}-${region} is not a subdivision the ${country} pack knows`, [{ path: 'region', message: 'unknown subdivision' }]);
  return pack;
}
