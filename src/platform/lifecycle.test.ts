import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from './clock.ts';
import type { RequestContext } from './context.ts';
import type { Database } from './db/index.ts';
import { AppError, isAppError } from './errors.ts';
import { defineLifecycle, SYSTEM_ONLY, transition, transitionMany, type LifecycleStore } from './lifecycle.ts';

type Status = 'draft' | 'sent' | 'done' | 'void';
interface Doc { id: string; status: Status; signed: boolean }

const docs = defineLifecycle<Status, Doc>({
  noun: 'a document',
  statuses: ['draft', 'sent', 'done', 'void'],
  table: { draft: { sent: ['ops'], void: ['admin'] }, sent: { done: SYSTEM_ONLY }, done: {}, void: {} },
  entry: { draft: ['ops'] },
  guards: [({ row, to }) => (to === 'sent' && !row.signed ? { code: 'CONFLICT', message: 'unsigned documents are not sent', details: { signed: false } } : null)],
  statusOf: (row) => row.status,
});

/** Rows in memory; like a repository's save, a move applies only while its row is still where it was checked from. */
function memoryStore(rows: Doc[]): LifecycleStore<Status, Doc, { by?: string }> & { saved: string[] } {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const saved: string[] = [];
  return {
    saved,
    idOf: (row) => row.id,
    lock: async (_db, _tenant, id) => byId.get(id) ?? null,
    notFound: (id) => new AppError('NOT_FOUND', `document ${id} not found`),
    async save(_db, _tenant, moves) {
      const moved = new Map<string, Doc>();
      for (const m of moves) {
        const row = byId.get(m.id)!;
        if (row.status !== m.from) continue;
        const next = { ...row, status: m.to };
        byId.set(m.id, next);
        moved.set(m.id, next);
        saved.push(`${m.id} ${m.from}→${m.to} by ${m.actor.id}${m.reason ? ` (${m.reason})` : ''}`);
      }
      return moved;
    },
  };
}

/** A context whose "database" runs work straight away: the store above keeps no transaction. */
function ctxAs(role: RequestContext['actor']['role']): RequestContext {
  const db = { transaction: (work: (tx: Database) => Promise<unknown>) => work(db) } as unknown as Database;
  return { tenantId: 't', actor: { kind: role ? 'api_key' : 'system', id: role ?? 'platform', role }, clock: new ManualClock('2026-11-11T00:00:00Z'), db };
}

const refusedWith = (code: string) => (err: unknown) => isAppError(err) && err.code === code;

test('a move the table does not have is refused as an illegal transition, and nothing is saved', async () => {
  const store = memoryStore([{ id: 'd1', status: 'draft', signed: true }]);
  await assert.rejects(transition(ctxAs(null), docs, store, 'd1', { to: 'done' }), refusedWith('ILLEGAL_TRANSITION'));
  assert.deepEqual(store.saved, []);
  assert.deepEqual(docs.check({ row: { id: 'x', status: 'done', signed: true }, from: 'done', to: 'draft', role: null }).ok, false);
});

test('a person whose role the table does not name is refused; the platform may take any move in the table', async () => {
  const store = memoryStore([{ id: 'd1', status: 'draft', signed: true }, { id: 'd2', status: 'sent', signed: true }]);
  await assert.rejects(transition(ctxAs('ops'), docs, store, 'd1', { to: 'void' }), refusedWith('FORBIDDEN'));
  await assert.rejects(transition(ctxAs('ops'), docs, store, 'd2', { to: 'done' }), refusedWith('FORBIDDEN'), 'system only');
  const sent = await transition(ctxAs('ops'), docs, store, 'd1', { to: 'sent', reason: 'ready' });
  assert.equal(sent.status, 'sent');
  await transition(ctxAs(null), docs, store, 'd2', { to: 'done' });
  assert.deepEqual(store.saved, ['d1 draft→sent by ops (ready)', 'd2 sent→done by platform']);
  assert.equal(docs.checkEntry('draft', 'viewer').ok, false);
  assert.equal(docs.checkEntry('sent', null).ok, false, 'a document is never written as sent');
  assert.equal(docs.checkEntry('draft', 'ops').ok, true);
});

test('a guard refuses a move the table allows, with its own code and details', async () => {
  const store = memoryStore([{ id: 'd1', status: 'draft', signed: false }]);
  await assert.rejects(transition(ctxAs('ops'), docs, store, 'd1', { to: 'sent' }), (err: unknown) => {
    assert.ok(isAppError(err));
    assert.equal(err.code, 'CONFLICT');
    assert.deepEqual(err.details, { id: 'd1', from: 'draft', to: 'sent', signed: false });
    return true;
  });
  assert.deepEqual(store.saved, []);
});

test('transitionMany checks every move first, skips a row that left its status meanwhile, and refuses an illegal one outright', async () => {
  const rows: Doc[] = [{ id: 'a', status: 'sent', signed: true }, { id: 'b', status: 'sent', signed: true }];
  const store = memoryStore(rows);
  // b moves on behind the planner's back.
  await transition(ctxAs(null), docs, store, 'b', { to: 'done' });
  const moved = await transitionMany(ctxAs(null), docs, store, rows.map((row) => ({ row, to: 'done' as const })));
  assert.deepEqual([...moved.keys()], ['a']);
  await assert.rejects(transitionMany(ctxAs(null), docs, store, [{ row: { id: 'c', status: 'done', signed: true }, to: 'sent' }]), refusedWith('ILLEGAL_TRANSITION'));
  const some = await transitionMany(ctxAs(null), docs, store, [{ row: { id: 'a', status: 'done', signed: true }, to: 'sent' }], { skipRefused: true });
  assert.equal(some.size, 0);
});
