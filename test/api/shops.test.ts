import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findById } from '../../src/modules/channels/shops.repository.ts';
import { credentialsOf } from '../../src/modules/channels/shops.service.ts';
import { systemActor } from '../../src/platform/context.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';

for (const backend of testBackends()) {
  describe(`shops (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle);
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    test('registering the OpenAPI example stores the secrets sealed and never shows them', async () => {
      const doc = await api.request('GET', '/api/openapi.json', { key: null });
      const example = doc.body.paths['/api/v1/shops'].post.requestBody.content['application/json'].example;
      const created = await api.request('POST', '/api/v1/shops', { body: example });
      assert.equal(created.status, 201);
      assert.equal(created.body.webhookPath, '/webhooks/douyin/default.dy-live');
      assert.deepEqual(created.body.credentials, { appKey: example.credentials.appKey, appSecretSet: true, accessTokenSet: true, refreshTokenSet: false });
      const everything = JSON.stringify([created.body, (await api.request('GET', '/api/v1/shops')).body, (await api.request('GET', '/api/v1/shops/dy-live')).body]);
      assert.ok(!everything.includes(example.credentials.appSecret));
      assert.ok(!everything.includes(example.credentials.accessToken));

      const row = await findById(database.handle.db, 'default', 'dy-live');
      assert.ok(row && !row.appSecretSealed.includes(example.credentials.appSecret), 'sealed at rest');
      const ctx = { tenantId: 'default', actor: systemActor(), clock: api.clock, db: database.handle.db };
      const opened = await credentialsOf(ctx, api.app.secrets, 'dy-live');
      assert.equal(opened.appSecret, example.credentials.appSecret);
      assert.equal(opened.accessToken, example.credentials.accessToken);

      const again = await api.request('POST', '/api/v1/shops', { body: example });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'SHOP_EXISTS');
      const sameChannelShop = await api.request('POST', '/api/v1/shops', { body: { ...example, id: 'dy-other' } });
      assert.equal(sameChannelShop.status, 409);
    });

    test('patching replaces credentials and settings', async () => {
      const res = await api.request('PATCH', '/api/v1/shops/dy-live', {
        body: { credentials: { accessToken: 'token-two' }, apiBaseUrl: 'http://127.0.0.1:9/douyin', active: false },
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.active, false);
      assert.equal(res.body.apiBaseUrl, 'http://127.0.0.1:9/douyin');
      const ctx = { tenantId: 'default', actor: systemActor(), clock: api.clock, db: database.handle.db };
      assert.equal((await credentialsOf(ctx, api.app.secrets, 'dy-live')).accessToken, 'token-two');
      const empty = await api.request('PATCH', '/api/v1/shops/dy-live', { body: {} });
      assert.equal(empty.status, 400);
      const missing = await api.request('PATCH', '/api/v1/shops/nope', { body: { name: 'x' } });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'SHOP_NOT_FOUND');
    });

    test('roles, tenants and bad input', async () => {
      const body = { id: 'tb-home', channel: 'taobao', name: '淘宝家居店', channelShopId: 'home-nick', credentials: { appKey: '12345678', appSecret: 's3cret' } };
      assert.equal((await api.request('POST', '/api/v1/shops', { key: api.keys.ops, body })).status, 403);
      assert.equal((await api.request('GET', '/api/v1/shops', { key: api.keys.viewer })).status, 403);
      assert.equal((await api.request('GET', '/api/v1/shops/dy-live', { key: api.otherTenantKey })).status, 404);
      assert.deepEqual((await api.request('GET', '/api/v1/shops', { key: api.otherTenantKey })).body.items, []);
      const bad = await api.request('POST', '/api/v1/shops', { body: { ...body, id: 'Bad Id', channel: 'ebay', credentials: {} } });
      assert.equal(bad.status, 400);
      const paths = bad.body.error.details.map((d: any) => d.path);
      for (const p of ['id', 'channel', 'credentials.appKey', 'credentials.appSecret']) assert.ok(paths.includes(p), paths.join(','));
      assert.equal((await api.request('GET', '/api/v1/shops/tb-home')).status, 404, 'nothing half-written');
    });
  });
}
