/**
 * JSON with integers beyond 2^53, both ways. Marketplaces send 19-digit ids as bare JSON numbers
 * (Douyin's product_id, webhook p_id), which JSON.parse silently rounds and JSON.stringify cannot
 * write from a JS number. The sandbox must write them digit for digit, as the platform does, so that
 * a client which parses them naively fails here rather than in production; and it must read them
 * from client bodies without rounding.
 */

/** An integer written to JSON as its exact digits, unquoted. */
export class JsonInteger {
  readonly digits: string;

  constructor(digits: string | bigint | number) {
    const text = String(digits);
    if (!/^-?(0|[1-9][0-9]*)$/.test(text)) throw new TypeError(`not an integer: ${text}`);
    this.digits = text;
  }

  toString(): string {
    return this.digits;
  }
}

/** Shorthand for building response trees: `int('4781320682406083640')`. */
export function int(digits: string | bigint | number): JsonInteger {
  return new JsonInteger(digits);
}

export type RawJson =
  | string
  | number
  | boolean
  | null
  | undefined
  | JsonInteger
  | readonly RawJson[]
  | { readonly [key: string]: RawJson };

/**
 * Compact JSON in the object's own key order (the platform's field order, as in its samples).
 * Undefined members are left out; a JS number must be safe, so a big id cannot sneak in rounded.
 */
export function writeJson(value: RawJson): string {
  if (value === null) return 'null';
  if (value instanceof JsonInteger) return value.digits;
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) {
        throw new TypeError(`unsafe number ${value}; use int('…') for big ids`);
      }
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item: RawJson) => writeJson(item ?? null)).join(',')}]`;
      const record = value as { readonly [key: string]: RawJson };
      const members = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .map((key) => `${JSON.stringify(key)}:${writeJson(record[key])}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`cannot write ${typeof value} as JSON`);
  }
}

/**
 * JSON.parse, except that an integer literal too big for a double arrives as its digit string
 * instead of a rounded number. Throws SyntaxError on malformed JSON, like JSON.parse.
 */
export function parseJsonKeepingBigIntegers(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"') {
      // Copy the string literal whole, escapes included, so digits inside strings are left alone.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let j = i + 1;
      while (j < text.length && /[0-9eE.+-]/.test(text[j] as string)) j++;
      const token = text.slice(i, j);
      const isBigInteger = /^-?[0-9]+$/.test(token) && !Number.isSafeInteger(Number(token));
      out += isBigInteger ? `"${token}"` : token;
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  return JSON.parse(out);
}
