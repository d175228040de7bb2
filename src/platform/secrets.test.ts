import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KEY_FILE, SecretBox, secretBoxFor } from './secrets.ts';

test('sealed secrets open only with the same key and reveal nothing', () => {
  const box = new SecretBox('k'.repeat(40));
  const sealed = box.seal('app-secret-123');
  assert.ok(!sealed.includes('app-secret-123'));
  assert.notEqual(box.seal('app-secret-123'), sealed, 'a fresh nonce every time');
  assert.equal(box.open(sealed), 'app-secret-123');
  assert.throws(() => new SecretBox('x'.repeat(40)).open(sealed));
  const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
  assert.throws(() => box.open(tampered));
});

test('an embedded database keeps its own key file; PostgreSQL needs OMS_SECRET_KEY', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-secret-'));
  try {
    const fresh = join(dir, 'not-yet-created');
    const sealed = secretBoxFor(undefined, { kind: 'directory', dir: fresh }).seal('s');
    assert.equal(secretBoxFor(undefined, { kind: 'directory', dir: fresh }).open(sealed), 's');
    assert.equal(statSync(join(fresh, KEY_FILE)).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => secretBoxFor(undefined, { kind: 'postgres' }), /OMS_SECRET_KEY/);
  assert.throws(() => new SecretBox('short'), /32 characters/);
});
