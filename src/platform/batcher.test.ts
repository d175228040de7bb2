import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MicroBatcher } from './batcher.ts';

/** A batch runner that records each batch, and how many ran at once, and finishes a batch when told to. */
function recorder() {
  const batches: number[][] = [];
  const release: (() => void)[] = [];
  const state = { running: 0, maxRunning: 0 };
  const run = (_group: string, items: number[]) => {
    batches.push(items);
    state.running++;
    state.maxRunning = Math.max(state.maxRunning, state.running);
    return new Promise<number[]>((resolve) => release.push(() => {
      state.running--;
      resolve(items.map((i) => i * 10));
    }));
  };
  return { batches, release, run, state };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('MicroBatcher', () => {
  it('shares what is waiting over the free slots, so batches overlap', async () => {
    const r = recorder();
    const batcher = new MicroBatcher<number, number>(r.run, { maxBatch: 256, maxInFlight: 2 });
    const results = Array.from({ length: 64 }, (_, i) => batcher.submit('t', i));
    await tick();
    assert.deepEqual(r.batches.map((b) => b.length), [32, 32]);
    r.release.forEach((f) => f());
    assert.deepEqual(await Promise.all(results), Array.from({ length: 64 }, (_, i) => i * 10));
  });

  it('never runs more than maxInFlight batches, nor puts more than maxBatch items in one', async () => {
    const r = recorder();
    const batcher = new MicroBatcher<number, number>(r.run, { maxBatch: 10, maxInFlight: 2 });
    const results = Array.from({ length: 45 }, (_, i) => batcher.submit('t', i));
    await tick();
    assert.deepEqual(r.batches.map((b) => b.length), [10, 10]);
    r.release[0]!();
    await tick();
    await tick();
    assert.deepEqual(r.batches.map((b) => b.length), [10, 10, 10], 'a freed slot takes the next batch');
    for (let next = 1; next < 5; next++) {
      r.release[next]!();
      await tick();
      await tick();
    }
    assert.equal((await Promise.all(results)).length, 45);
    assert.equal(r.state.maxRunning, 2);
    assert.ok(r.batches.every((b) => b.length <= 10));
    assert.deepEqual(r.batches.flat().sort((a, b) => a - b), Array.from({ length: 45 }, (_, i) => i));
  });

  it('keeps two items with the same conflict key out of one batch', async () => {
    const r = recorder();
    const batcher = new MicroBatcher<number, number>(r.run, { maxBatch: 256, maxInFlight: 1, conflictKey: (i) => String(i % 3) });
    const results = [0, 3, 1, 4, 2].map((i) => batcher.submit('t', i));
    await tick();
    assert.deepEqual(r.batches, [[0, 1, 2]]);
    r.release[0]!();
    await tick();
    await tick();
    assert.deepEqual(r.batches[1], [3, 4]);
    r.release[1]!();
    assert.deepEqual(await Promise.all(results), [0, 30, 10, 40, 20]);
  });

  it('runs a failed batch again item by item, so only the bad item fails', async () => {
    const seen: number[][] = [];
    const batcher = new MicroBatcher<number, number>(async (_g, items) => {
      seen.push(items);
      if (items.includes(13)) throw new Error('thirteen');
      return items;
    }, { maxBatch: 256, maxInFlight: 1 });
    const results = await Promise.allSettled([12, 13, 14].map((i) => batcher.submit('t', i)));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual(seen, [[12, 13, 14], [12], [13], [14]]);
  });
});
