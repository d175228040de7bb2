import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ensureConsoleBuilt } from '../support/browser.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';

describe('the console is served at /', () => {
  let database: TestDatabase;
  let api: TestApi;
  before(async () => {
    ensureConsoleBuilt();
    database = await testBackends()[0]!.open();
    api = await startTestApi(database.handle);
  });
  after(async () => {
    await api.close();
    await database.drop();
  });

  test('/ and every page address serve the app; API misses stay JSON 404s', async () => {
    const root = await fetch(`${api.url}/`);
    assert.equal(root.status, 200);
    assert.match(root.headers.get('content-type')!, /text\/html/);
    assert.equal(root.headers.get('cache-control'), 'no-cache');
    const html = await root.text();
    assert.match(html, /<div id="root"><\/div>/);
    const page = await fetch(`${api.url}/orders/01a2-anything?x=1`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.equal(await page.text(), html);
    const miss = await fetch(`${api.url}/api/v1/nothing-here`, { headers: { accept: 'text/html', authorization: `Bearer ${api.keys.admin}` } });
    assert.equal(miss.status, 404);
    assert.equal(((await miss.json()) as any).error.code, 'NOT_FOUND');
    const wms = await fetch(`${api.url}/wms-nope`, { headers: { accept: 'application/json' } });
    assert.equal(wms.status, 404);
  });

  test('scripts are cached for good and sent compressed to a browser that takes it', async () => {
    const html = await (await fetch(`${api.url}/`)).text();
    const script = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, html);
    const plain = await fetch(api.url + script, { headers: { 'accept-encoding': 'identity' } });
    const br = await fetch(api.url + script, { headers: { 'accept-encoding': 'br' } });
    assert.equal(plain.status, 200);
    assert.match(plain.headers.get('cache-control')!, /immutable/);
    assert.equal(br.headers.get('content-encoding'), 'br');
    assert.equal(await br.text(), await plain.text(), 'the same script, decoded');
  });
});
