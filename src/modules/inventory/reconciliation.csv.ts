import { sku as skuSchema } from './inventory.input.ts';

/**
 * Stock counts uploaded as CSV (盘点表): a header naming `sku` and `quantity` (any order, other
 * columns ignored), then one row per SKU. Spreadsheet exports are the usual source, so a UTF-8
 * BOM, CRLF line ends and RFC 4180 quoting ("a ""b"", c") are all accepted.
 */
export interface CsvRowError {
  /** 1-based line of the file where the row starts. */
  line: number;
  message: string;
}

export type CsvStock =
  | { ok: true; lines: { sku: string; quantity: number }[] }
  | { ok: false; errors: CsvRowError[] };

const MAX_QUANTITY = 10_000_000;
/** Enough to name the trouble without echoing a whole broken file back. */
const MAX_ERRORS = 50;

interface CsvRecord {
  line: number;
  fields: string[];
}

/** Splits CSV text into records; a quoted field may hold commas, quotes ("") and line breaks. */
export function csvRecords(text: string): CsvRecord[] | CsvRowError {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  const endField = () => {
    fields.push(wasQuoted ? field : field.trim());
    field = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    if (fields.length > 1 || fields[0] !== '') records.push({ line: start, fields });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      wasQuoted = true;
      field = '';
    } else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else if (wasQuoted) {
      if (c !== ' ' && c !== '\t') return { line, message: 'text after a closing quote; a quote inside a quoted field is written ""' };
    } else field += c;
  }
  if (quoted) return { line: start, message: 'a quoted field is not closed' };
  endRecord();
  return records;
}

export function parseStockCsv(raw: string): CsvStock {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const records = csvRecords(text);
  if (!Array.isArray(records)) return { ok: false, errors: [records] };
  const [header, ...rows] = records;
  if (!header) return { ok: false, errors: [{ line: 1, message: 'the file is empty; expected a header "sku,quantity"' }] };
  const names = header.fields.map((f) => f.toLowerCase());
  const skuAt = names.indexOf('sku');
  const quantityAt = names.indexOf('quantity');
  if (skuAt < 0 || quantityAt < 0) {
    return { ok: false, errors: [{ line: header.line, message: 'the header must name the columns sku and quantity, e.g. "sku,quantity"' }] };
  }
  if (rows.length === 0) return { ok: false, errors: [{ line: header.line, message: 'no rows after the header' }] };

  const lines: { sku: string; quantity: number }[] = [];
  const errors: CsvRowError[] = [];
  const firstLineOf = new Map<string, number>();
  for (const row of rows) {
    const sku = row.fields[skuAt] ?? '';
    const quantity = (row.fields[quantityAt] ?? '').trim();
    const problems: string[] = [];
    if (!skuSchema.safeParse(sku).success) problems.push(`sku ${JSON.stringify(sku)} is not a SKU code (1–64 characters)`);
    if (!/^\d{1,8}$/.test(quantity) || Number(quantity) > MAX_QUANTITY) {
      problems.push(`quantity ${JSON.stringify(quantity)} is not a whole number from 0 to ${MAX_QUANTITY}`);
    }
    // A count sheet listing a SKU twice is a typing slip more often than two bins: ask, don't guess.
    const seen = firstLineOf.get(sku);
    if (seen !== undefined) problems.push(`sku ${sku} already appears on line ${seen}`);
    else firstLineOf.set(sku, row.line);
    if (problems.length > 0) errors.push({ line: row.line, message: problems.join('; ') });
    else lines.push({ sku, quantity: Number(quantity) });
  }
  return errors.length > 0 ? { ok: false, errors: errors.slice(0, MAX_ERRORS) } : { ok: true, lines };
}
