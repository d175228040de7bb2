import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { rowsOf, type Database } from './database.ts';
import { executeNamed } from './prepared.ts';

/**
 * Many rows in one statement with one parameter: the rows travel as a JSON array and PostgreSQL
 * turns it into records of the table's own row type. A multi-row VALUES list would carry one
 * parameter per cell (thousands for a batch of orders), each built, sent and parsed on its own.
 *
 * Rows use the table's property names (as drizzle's insert does); every column listed is sent,
 * missing values as null. Identity columns are left to the database.
 */
function encode(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value === undefined ? null : value;
}

export interface BulkInsertOptions {
  /** Property names of a unique key: rows that would conflict on it are skipped. */
  skipConflictsOn?: string[];
  /** Property name of a column to return for each row inserted. */
  returning?: string;
  /** Property names to sort the rows by before inserting, so concurrent inserts lock in one order. */
  orderBy?: string[];
  /** Keeps only the incoming rows (named `r`) for which this holds, e.g. those of orders just inserted. */
  where?: SQL;
  /**
   * Inserts the rows in the order given, so that an identity column numbers them so (an order's
   * events, whose id is their order on the timeline); a `where` may otherwise reorder them.
   */
  inGivenOrder?: boolean;
}

const columnCache = new WeakMap<PgTable, { columns: [string, string][]; list: SQL }>();

/** The columns an insert writes (property and column names) and their list, worked out once per table. */
function insertableColumns(table: PgTable) {
  let cached = columnCache.get(table);
  if (!cached) {
    const columns = Object.entries(getTableColumns(table))
      .filter(([, c]) => !(c as { generatedIdentity?: unknown }).generatedIdentity)
      .map(([property, c]) => [property, c.name] as [string, string]);
    cached = { columns, list: sql.raw(columns.map(([, name]) => `"${name}"`).join(', ')) };
    columnCache.set(table, cached);
  }
  return cached;
}

function columnName(table: PgTable, property: string): SQL {
  const column = getTableColumns(table)[property];
  if (!column) throw new Error(`${getTableName(table)} has no column ${property}`);
  return sql`${sql.identifier(column.name)}`;
}

/**
 * The INSERT … SELECT for these rows, to run alone (insertRows) or as one part of a statement
 * that writes several tables at once (`with a as (insert …), b as (insert …) select …`).
 */
export function insertStatement(table: PgTable, rows: Record<string, unknown>[], options: BulkInsertOptions = {}): SQL {
  const { columns, list } = insertableColumns(table);
  const payload = rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (const [property, name] of columns) record[name] = encode(row[property]);
    return record;
  });
  const where: SQL = options.where ? sql` where ${options.where}` : sql``;
  const order: SQL = options.orderBy?.length
    ? sql` order by ${sql.join(options.orderBy.map((p) => sql`r.${columnName(table, p)} collate "C"`), sql`, `)}`
    : options.inGivenOrder ? sql` order by r.ordinality` : sql``;
  const ordinality: SQL = options.inGivenOrder && !options.orderBy?.length ? sql` with ordinality` : sql``;
  const conflict: SQL = options.skipConflictsOn ? sql` on conflict (${sql.join(options.skipConflictsOn.map((p) => columnName(table, p)), sql`, `)}) do nothing` : sql``;
  const returning: SQL = options.returning ? sql` returning ${columnName(table, options.returning)}` : sql``;
  return sql`insert into ${table} (${list})
    select ${list} from json_populate_recordset(null::${table}, ${JSON.stringify(payload)}::json)${ordinality} r${where}${order}${conflict}${returning}`;
}

export async function insertRows(db: Database, table: PgTable, rows: Record<string, unknown>[], options: BulkInsertOptions = {}): Promise<unknown[]> {
  if (rows.length === 0) return [];
  const result = await executeNamed(db, insertStatement(table, rows, options));
  if (!options.returning) return [];
  const column = getTableColumns(table)[options.returning]!.name;
  return rowsOf(result).map((r) => r[column]);
}

/** Inserts into several tables in one statement (one round trip); tables with no rows are skipped. */
export async function insertIntoMany(db: Database, parts: [PgTable, Record<string, unknown>[]][]): Promise<void> {
  const inserts = parts.filter(([, rows]) => rows.length > 0).map(([table, rows]) => insertStatement(table, rows));
  if (inserts.length === 0) return;
  const ctes = inserts.map((insert, i) => sql`${sql.raw(`w${i}`)} as (${insert})`);
  await executeNamed(db, sql`with ${sql.join(ctes, sql`, `)} select 1`);
}
