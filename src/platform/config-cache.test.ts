import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigCache, configChanged } from './config-cache.ts';

describe('ConfigCache', () => {
  it('loads once per tenant while fresh, again after the time to live', async () => {
    let now = 0;
    let loads = 0;
    const cache = new ConfigCache<number>(1_000, () => now);
    const load = async () => ++loads;
    assert.equal(await cache.get('t1', load), 1);
    assert.equal(await cache.get('t1', load), 1);
    assert.equal(await cache.get('t2', load), 2, 'tenants have their own copies');
    now = 999;
    assert.equal(await cache.get('t1', load), 1);
    now = 1_000;
    assert.equal(await cache.get('t1', load), 3);
  });

  it('drops a tenant’s copies at once when its configuration changes here', async () => {
    let loads = 0;
    const cache = new ConfigCache<number>(60_000);
    const load = async () => ++loads;
    assert.equal(await cache.get('changing', load), 1);
    assert.equal(await cache.get('other', load), 2);
    configChanged('changing');
    assert.equal(await cache.get('changing', load), 3);
    assert.equal(await cache.get('other', load), 2);
  });

  it('does not keep a failed load', async () => {
    const cache = new ConfigCache<number>(60_000);
    await assert.rejects(cache.get('t', async () => { throw new Error('down'); }), /down/);
    assert.equal(await cache.get('t', async () => 7), 7);
  });
});
