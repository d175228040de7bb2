import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { Database } from './database.ts';

interface BuiltQuery {
  sql: string;
  params: unknown[];
}

/** The parts of drizzle's database object that run a query under a statement name. */
interface Internals {
  dialect: { sqlToQuery(query: SQL): BuiltQuery };
  session: { prepareQuery(query: BuiltQuery, fields: undefined, name: string, arrayMode: boolean): { execute(): Promise<unknown> } };
}

const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `oms_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size > 2_000) names.clear();
    names.set(text, name);
  }
  return name;
}

/**
 * Runs a statement of the hot paths as a named prepared statement: on PostgreSQL each connection
 * parses and plans its text once instead of on every call, which for the pipeline's wide
 * multi-table statements costs more than running them. The name is derived from the text, so
 * only statements whose text does not vary with their data (rows travel as one JSON parameter)
 * belong here. The embedded database runs it as any other query.
 */
export function executeNamed(db: Database, query: SQL): Promise<unknown> {
  const internals = db as unknown as Internals;
  const built = internals.dialect.sqlToQuery(query);
  return internals.session.prepareQuery(built, undefined, nameOf(built.sql), false).execute();
}
