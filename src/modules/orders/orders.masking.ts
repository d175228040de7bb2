/**
 * Masked forms of a receiver's personal data, stored beside the originals and shown to roles and
 * logs that do not need the real thing.
 */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** Keeps the last four digits, which customers use to prove an order is theirs. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s+/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** Region stays readable for operators; the street and door number do not. */
export function maskAddress(region: readonly (string | null | undefined)[], detail: string): string {
  const head = region.filter(Boolean).join('');
  return detail.trim() ? `${head}****` : head;
}
