import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApi, type TestApi } from '../support/api.ts';
import { testBackends, type TestDatabase } from '../support/databases.ts';

/** A cookie jar of one: what a browser would send back to this server. */
function cookieOf(res: Response): string | null {
  const header = res.headers.get('set-cookie');
  return header ? header.split(';')[0]! : null;
}

for (const backend of testBackends()) {
  describe(`console sign-in and sessions (${backend.kind})`, () => {
    let database: TestDatabase;
    let api: TestApi;
    let personId: string;
    before(async () => {
      database = await backend.open();
      api = await startTestApi(database.handle);
      const made = await api.request('POST', '/api/v1/people', { body: { login: 'Wang.Fang', displayName: '王芳', role: 'admin', password: 'a long passphrase' } });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.equal(made.body.login, 'wang.fang');
      assert.equal(made.body.hasPassword, true);
      assert.equal('passwordHash' in made.body, false);
      personId = made.body.id;
    });
    after(async () => {
      await api.close();
      await database.drop();
    });

    const send = (method: string, path: string, init: { cookie?: string | null; csrf?: string; body?: unknown } = {}) =>
      fetch(api.url + path, {
        method,
        redirect: 'manual',
        headers: {
          ...(init.cookie ? { cookie: init.cookie } : {}),
          ...(init.csrf ? { 'x-csrf-token': init.csrf } : {}),
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });

    async function logIn(login = 'wang.fang', password = 'a long passphrase') {
      const res = await send('POST', '/api/v1/session', { body: { login, password } });
      return { res, body: (await res.json()) as any, cookie: cookieOf(res) };
    }

    test('a name and password open a session: an HttpOnly, SameSite cookie and a CSRF token', async () => {
      const { res, body, cookie } = await logIn('WANG.FANG');
      assert.equal(res.status, 200);
      const header = res.headers.get('set-cookie')!;
      assert.match(header, /^oms_session=default\.[0-9a-f-]{36}\.[\w-]+;/);
      assert.match(header, /HttpOnly/);
      assert.match(header, /SameSite=Lax/);
      assert.match(header, /Path=\//);
      assert.match(header, /Max-Age=43200/, 'twelve hours from when the browser gets it');
      assert.equal(body.person.displayName, '王芳');
      assert.ok(body.csrfToken.length >= 24);
      const me = await send('GET', '/api/v1/session', { cookie });
      assert.equal(me.status, 200);
      const view = (await me.json()) as any;
      assert.equal(view.person.id, personId);
      assert.equal(view.csrfToken, body.csrfToken);
      assert.equal(view.role, 'admin');
    });

    test('a wrong password and an unknown name get the same 401; nothing is set', async () => {
      const wrong = await logIn('wang.fang', 'not the passphrase');
      const unknown = await logIn('nobody', 'a long passphrase');
      for (const r of [wrong, unknown]) {
        assert.equal(r.res.status, 401);
        assert.equal(r.body.error.code, 'LOGIN_FAILED');
        assert.equal(r.cookie, null);
      }
      assert.equal(wrong.body.error.message, unknown.body.error.message);
    });

    test('a change under a session cookie needs its CSRF token; a read does not', async () => {
      const { body, cookie } = await logIn();
      assert.equal((await send('GET', '/api/v1/groups', { cookie })).status, 200);
      const without = await send('POST', '/api/v1/groups', { cookie, body: { code: 'NIGHT', name: '夜班' } });
      assert.equal(without.status, 403);
      assert.equal(((await without.json()) as any).error.code, 'CSRF_TOKEN_INVALID');
      const forged = await send('POST', '/api/v1/groups', { cookie, csrf: 'x'.repeat(32), body: { code: 'NIGHT', name: '夜班' } });
      assert.equal(forged.status, 403);
      assert.equal((await api.request('GET', '/api/v1/groups')).body.items.some((g: any) => g.code === 'NIGHT'), false);
      const withToken = await send('POST', '/api/v1/groups', { cookie, csrf: body.csrfToken, body: { code: 'NIGHT', name: '夜班' } });
      assert.equal(withToken.status, 201);
    });

    test('what a person does is recorded as that person', async () => {
      const { body, cookie } = await logIn();
      const rule = await send('POST', '/api/v1/rules', { cookie, csrf: body.csrfToken, body: { name: 'big orders', condition: { field: 'totalFen', op: 'gte', value: 1_000_000 }, actions: [{ type: 'set_priority', priority: 'high' }] } });
      assert.equal(rule.status, 201);
      assert.equal(((await rule.json()) as any).updatedBy, `person:${personId}`);
    });

    test('signing out ends the session at once', async () => {
      const { body, cookie } = await logIn();
      const out = await send('DELETE', '/api/v1/session', { cookie, csrf: body.csrfToken });
      assert.equal(out.status, 204);
      assert.match(out.headers.get('set-cookie')!, /oms_session=; Max-Age=0/);
      const after = await send('GET', '/api/v1/session', { cookie });
      assert.equal(after.status, 401);
    });

    test('a one-time login link signs in once; the second click goes to the sign-in page', async () => {
      const link = await api.request('POST', `/api/v1/people/${personId}/login-link`);
      assert.equal(link.status, 201);
      assert.match(link.body.path, /^\/auth\/link\?token=default\./);
      const first = await send('GET', link.body.path);
      assert.equal(first.status, 303);
      assert.equal(first.headers.get('location'), '/');
      const cookie = cookieOf(first);
      assert.ok(cookie);
      assert.equal((await send('GET', '/api/v1/session', { cookie })).status, 200);
      const second = await send('GET', link.body.path);
      assert.equal(second.status, 303);
      assert.equal(second.headers.get('location'), '/login?error=link');
      assert.equal(cookieOf(second), null);
      const forged = await send('GET', link.body.path.replace(/.$/, (c: string) => (c === 'a' ? 'b' : 'a')));
      assert.equal(forged.headers.get('location'), '/login?error=link');
    });

    test('disabling a person ends their sessions; the tenant\'s last admin cannot be disabled', async () => {
      const other = await api.request('POST', '/api/v1/people', { body: { login: 'li.na', displayName: '李娜', role: 'ops', password: 'another passphrase' } });
      const { cookie } = await logIn('li.na', 'another passphrase');
      assert.equal((await send('GET', '/api/v1/session', { cookie })).status, 200);
      assert.equal((await api.request('PATCH', `/api/v1/people/${other.body.id}`, { body: { disabled: true } })).status, 200);
      assert.equal((await send('GET', '/api/v1/session', { cookie })).status, 401);
      assert.equal((await logIn('li.na', 'another passphrase')).res.status, 401);
      const last = await api.request('PATCH', `/api/v1/people/${personId}`, { body: { disabled: true } });
      assert.equal(last.status, 409);
      assert.equal(last.body.error.code, 'LAST_ADMIN_PERSON');
    });

    test('a person changes their own password with the current one; the old one stops working', async () => {
      const made = await api.request('POST', '/api/v1/people', { body: { login: 'zhao.lei', displayName: '赵磊', role: 'viewer', password: 'first passphrase' } });
      assert.equal(made.status, 201);
      const { body, cookie } = await logIn('zhao.lei', 'first passphrase');
      const wrong = await send('PUT', '/api/v1/session/password', { cookie, csrf: body.csrfToken, body: { currentPassword: 'nope', password: 'second passphrase' } });
      assert.equal(wrong.status, 401);
      const changed = await send('PUT', '/api/v1/session/password', { cookie, csrf: body.csrfToken, body: { currentPassword: 'first passphrase', password: 'second passphrase' } });
      assert.equal(changed.status, 200);
      assert.ok(cookieOf(changed));
      assert.equal((await logIn('zhao.lei', 'first passphrase')).res.status, 401);
      assert.equal((await logIn('zhao.lei', 'second passphrase')).res.status, 200);
    });

    test('after ten failed logins a name is refused for a while, whatever the password, with Retry-After', async () => {
      await api.request('POST', '/api/v1/people', { body: { login: 'target', displayName: 'Target', role: 'ops', password: 'the right passphrase' } });
      for (let i = 0; i < 10; i++) assert.equal((await logIn('target', `guess ${i}`)).res.status, 401);
      const locked = await logIn('target', 'the right passphrase');
      assert.equal(locked.res.status, 429);
      assert.equal(locked.body.error.code, 'TOO_MANY_ATTEMPTS');
      assert.ok(Number(locked.res.headers.get('retry-after')) > 0);
    });

    test('every role can read who is who (ids and names, nothing more), to show names on timelines', async () => {
      const res = await api.request('GET', '/api/v1/people/directory', { key: api.keys.viewer });
      assert.equal(res.status, 200);
      const me = res.body.items.find((p: any) => p.id === personId);
      assert.deepEqual(me, { id: personId, displayName: '王芳' });
      assert.equal((await api.request('GET', '/api/v1/people', { key: api.keys.viewer })).status, 403, 'the full list stays with admins and supervisors');
    });

    test('bad sign-in input is a 400 naming the field, and unknown fields are refused', async () => {
      const res = await send('POST', '/api/v1/session', { body: { login: 'x', password: 'y', tenant: 'NOT A TENANT' } });
      assert.equal(res.status, 400);
      const extra = await send('POST', '/api/v1/session', { body: { login: 'x', password: 'y', role: 'admin' } });
      assert.equal(extra.status, 400);
      const short = await api.request('POST', '/api/v1/people', { body: { login: 'shorty', displayName: 'S', role: 'ops', password: 'short' } });
      assert.equal(short.status, 400);
      assert.equal(short.body.error.code, 'VALIDATION_FAILED');
    });
  });
}
