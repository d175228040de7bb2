/**
 * Money is integer minor units (fen, cents) everywhere inside the platform. Channels that speak
 * decimal yuan strings are converted here, by string arithmetic, never through a float.
 */
export class MoneyFormatError extends Error {}

/** "12.3" → 1230, "0.05" → 5, "100" → 10000. More than two decimals is refused, not rounded. */
export function decimalToMinor(value: string | number, decimals = 2): number {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) throw new MoneyFormatError(`not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > decimals && /[1-9]/.test(fraction.slice(decimals))) {
    throw new MoneyFormatError(`more than ${decimals} decimals: ${text}`);
  }
  const minor = Number(whole! + fraction.slice(0, decimals).padEnd(decimals, '0'));
  if (!Number.isSafeInteger(minor)) throw new MoneyFormatError(`amount too large: ${text}`);
  return sign === '-' ? -minor : minor;
}

/** 1230 → "12.30"; with the currency's exponent (ISO 4217 minor units): 1500 yen → "1500", 1234 fils → "1.234". */
export function minorToDecimal(minor: number, decimals = 2): string {
  if (!Number.isSafeInteger(minor)) throw new MoneyFormatError(`not an integer amount: ${minor}`);
  if (decimals === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(decimals + 1, '0');
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}
