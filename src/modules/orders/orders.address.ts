import { resolvePlace, type PlaceInput } from '../addresses/addresses.resolve.ts';

/** What placing a receiver reads: the names, and the codes a channel sent for an address abroad. */
type Receiver = PlaceInput & { country: string; provinceCode?: string | null; cityCode?: string | null; districtCode?: string | null };

export interface ReceiverPlace {
  provinceCode: string | null;
  cityCode: string | null;
  districtCode: string | null;
  /** Why a Chinese address cannot be placed; null when it can (or is not in China). */
  unplaced: { code: string; reason: string } | null;
}

/**
 * The receiver's national division codes. A Chinese address is placed from its names (the codes
 * channels send are their own numbering, not always the national one); an address abroad keeps
 * whatever codes came with it.
 */
export function placeReceiver(r: Receiver): ReceiverPlace {
  if (r.country !== 'CN') {
    return { provinceCode: r.provinceCode ?? null, cityCode: r.cityCode ?? null, districtCode: r.districtCode ?? null, unplaced: null };
  }
  const resolved = resolvePlace(r);
  if (!resolved.ok) return { provinceCode: null, cityCode: null, districtCode: null, unplaced: { code: resolved.code, reason: resolved.reason } };
  const { provinceCode, cityCode, districtCode } = resolved.place;
  return { provinceCode, cityCode, districtCode, unplaced: null };
}
