import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { createLogger } from '../../src/platform/logger.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';
import { orderBody } from '../support/orders.ts';

const PHONE = '13900001111';
const NAME = '李秘密';

/** A pino destination that keeps every line. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, text: () => lines.join('\n'), entries: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

for (const backend of testBackends()) {
  describe(`database errors in the log (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    const log = capture();
    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle, '2026-11-11T00:00:00Z', { logger: createLogger('info', log.stream) });
      // A rule the database enforces and validation does not know: writing this receiver fails the statement.
      await database.handle.db.execute(sql.raw(`alter table orders add constraint orders_no_test_phone check (receiver_phone <> '${PHONE}')`));
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    test('a failed statement logs its SQLSTATE, statement and table, never its parameters', async () => {
      const receiver = { ...orderBody().receiver, name: NAME, phone: PHONE };
      const res = await api.request('POST', '/api/v1/orders', { body: orderBody({ channelOrderId: 'LOG-1', receiver }) });
      assert.equal(res.status, 500);
      assert.equal(res.body.error.code, 'INTERNAL');
      const entry = log.entries().find((e) => e.msg === 'unhandled error');
      assert.ok(entry, log.text());
      assert.equal(entry.error.sqlState, '23514');
      assert.equal(entry.error.table, 'orders');
      assert.equal(entry.error.constraint, 'orders_no_test_phone');
      assert.match(entry.error.statement, /^(insert|with )/);
      assert.ok(!log.text().includes(PHONE), log.text());
      assert.ok(!log.text().includes(NAME), log.text());
      assert.ok(!log.text().includes('params'), log.text());
    });

    test('a database error logged whole, under err or error, is reduced the same way', async () => {
      const failure = await database.handle.db.execute(sql`select ${PHONE + 'x'}::int as n`).then(() => null, (err: unknown) => err);
      assert.ok(failure instanceof Error);
      const logger = createLogger('info', log.stream);
      logger.error({ err: failure }, 'logged as err');
      logger.warn({ error: failure }, 'logged as error');
      const entries = log.entries().filter((e) => e.msg === 'logged as err' || e.msg === 'logged as error');
      assert.equal(entries.length, 2);
      for (const e of entries) assert.match((e.err ?? e.error).sqlState, /^22[0-9A-Z]{3}$/);
      assert.ok(!log.text().includes(PHONE), log.text());
    });
  });
}
