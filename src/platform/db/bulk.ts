import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { rowsOf, type Database } from './database.ts';

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
}

export async function insertRows(db: Database, table: PgTable, rows: Record<string, unknown>[], options: BulkInsertOptions = {}): Promise<unknown[]> {
  if (rows.length === 0) return [];
  const columns = Object.entries(getTableColumns(table)).filter(([, c]) => !(c as { generatedIdentity?: unknown }).generatedIdentity);
  const nameOf = (property: string) => {
    const column = getTableColumns(table)[property];
    if (!column) throw new Error(`${getTableName(table)} has no column ${property}`);
    return sql.identifier(column.name);
  };
  const payload = rows.map((row) => Object.fromEntries(columns.map(([property, c]) => [c.name, encode(row[property])])));
  const list = sql.join(columns.map(([, c]) => sql.identifier(c.name)), sql`, `);
  const order: SQL = options.orderBy?.length ? sql` order by ${sql.join(options.orderBy.map((p) => sql`${nameOf(p)} collate "C"`), sql`, `)}` : sql``;
  const conflict: SQL = options.skipConflictsOn ? sql` on conflict (${sql.join(options.skipConflictsOn.map(nameOf), sql`, `)}) do nothing` : sql``;
  const returning: SQL = options.returning ? sql` returning ${nameOf(options.returning)}` : sql``;
  const result = await db.execute(sql`
    insert into ${table} (${list})
    select ${list} from jsonb_populate_recordset(null::${table}, ${JSON.stringify(payload)}::jsonb)${order}${conflict}${returning}`);
  if (!options.returning) return [];
  const column = getTableColumns(table)[options.returning]!.name;
  return rowsOf(result).map((r) => r[column]);
}
