import { sql, type SQL } from 'drizzle-orm';

/**
 * CTEs that one module writes for a statement another composes (the planned batch): the SQL of
 * `name as (…)` entries, and the names they define, which later parts and the final SELECT read.
 */
export interface CteParts {
  readonly names: readonly string[];
  readonly sql: SQL;
}

export function cteParts(names: readonly string[], body: SQL): CteParts {
  return { names, sql: body };
}

/**
 * The parts as one `with` list, in order. Two parts that define the same name would have the
 * statement read the wrong rows (or fail to parse only on some paths), so that is refused here,
 * when the statement is put together, naming the parts.
 */
export function composeCtes(parts: readonly (CteParts | null | undefined)[]): SQL {
  const present = parts.filter((p): p is CteParts => Boolean(p));
  const owner = new Map<string, number>();
  present.forEach((part, i) => {
    for (const name of part.names) {
      const first = owner.get(name);
      if (first !== undefined) {
        throw new Error(`CTE name "${name}" is defined twice in one statement (by parts [${present[first]!.names.join(', ')}] and [${part.names.join(', ')}])`);
      }
      owner.set(name, i);
    }
  });
  return sql`with ${sql.join(present.map((p) => p.sql), sql`, `)}`;
}
