import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDouyinSandbox, type DouyinSandbox } from '../../sandbox/douyin/douyin.sandbox.ts';
import { CATALOGUE } from '../../sandbox/common/catalogue.ts';
import { chromiumAvailable, ensureConsoleBuilt, launchChromium } from '../support/browser.ts';
import { testBackends } from '../support/databases.ts';
import { startServer } from '../support/server.ts';
import { fastDispatch, startFulfillmentWorld, type FulfillmentWorld } from '../support/fulfillment.ts';

/**
 * The console in a real browser (Debian's Chromium through playwright-core) against a real API on
 * PGlite, a Douyin sandbox pushing orders and a Qimen WMS sandbox taking them.
 */
const backend = testBackends().find((b) => b.kind === 'pglite')!;
const PASSWORD = 'board-lead passphrase';

describe('the console in a browser', { skip: chromiumAvailable() ? false : 'no /usr/bin/chromium here (CI installs it)' }, () => {
  let world: FulfillmentWorld;
  let douyin: DouyinSandbox;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let personId: string;
  const url = (path: string) => world.api.url + path;

  before(async () => {
    ensureConsoleBuilt();
    world = await startFulfillmentWorld(backend, { errorRate: 0 });
    const api = world.api;
    for (const sku of CATALOGUE.flatMap((p) => p.skus)) await world.receive('HZ01', sku.outSkuId, 10_000);
    const app = { appKey: '7012345678901239999', appSecret: 'browser-douyin-secret' };
    douyin = await startDouyinSandbox({
      apps: [{ ...app, shops: [{ shopId: '5559001', accessToken: 'dy-browser-token' }] }],
      seed: 21,
      clock: () => api.clock.now(),
      scenario: { vipRate: 1, presaleRate: 0, expressRate: 0, unpaidCancelRate: 0, paidCancelRate: 0, addressChangeRate: 0 },
      webhook: { url: `${api.url}/webhooks/douyin/default.dy-live`, ...app },
    });
    const shop = await api.request('POST', '/api/v1/shops', { body: { id: 'dy-live', channel: 'douyin', name: '抖音直播间', channelShopId: '5559001', credentials: { ...app, accessToken: 'dy-browser-token' }, apiBaseUrl: douyin.url } });
    assert.equal(shop.status, 201, JSON.stringify(shop.body));
    const person = await api.request('POST', '/api/v1/people', { body: { login: 'board.lead', displayName: '值班主管', role: 'admin', password: PASSWORD } });
    assert.equal(person.status, 201);
    personId = person.body.id;
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await douyin?.close();
    await world?.close();
  });

  const row = (id: string) => page.locator(`tr[data-order-id="${id}"]`);

  test('a person signs in with a name and a password and lands on the board, in Chinese', async () => {
    await page.goto(url('/'));
    await page.waitForURL(/\/login$/);
    await page.fill('input[name="tenant"]', 'default');
    await page.fill('input[name="login"]', 'Board.Lead');
    await page.fill('input[name="password"]', 'wrong passphrase');
    await page.click('[data-testid="login-submit"]');
    await page.locator('[data-testid="login-error"]').waitFor();
    assert.match(await page.locator('[data-testid="login-error"]').innerText(), /用户名或密码错误/);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('[data-testid="login-submit"]');
    await page.waitForURL(/\/board$/);
    await page.locator('[data-testid="board-table"]').waitFor();
    assert.equal(await page.locator('h2').first().innerText(), '订单看板');
    assert.match(await page.locator('[data-testid="person"]').innerText(), /值班主管/);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'oms_session')!;
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
  });

  test('a one-time login link signs a person in, once', async () => {
    const link = await world.api.request('POST', `/api/v1/people/${personId}/login-link`);
    const other = await browser.newContext();
    try {
      const tab = await other.newPage();
      await tab.goto(url(link.body.path));
      await tab.waitForURL(/\/board$/);
      await tab.locator('[data-testid="person"]').waitFor();
      assert.match(await tab.locator('[data-testid="person"]').innerText(), /值班主管/);
      const again = await (await browser.newContext()).newPage();
      await again.goto(url(link.body.path));
      await again.waitForURL(/\/login\?error=link$/);
      await again.context().close();
    } finally {
      await other.close();
    }
  });

  test('an urgent VIP order pushed by the Douyin sandbox shows on the board, red, within 5 seconds and without a reload', async () => {
    await page.goto(url('/board'));
    await page.locator('[data-testid="live-state"][data-live="on"]').waitFor();
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    douyin.generateOrders(1);
    world.api.clock.advance(21 * 60_000);
    douyin.advance(0);
    const pushed = Date.now();
    const report = await douyin.pushEvents();
    assert.equal(report.failedPosts, 0);
    const vip = (await world.api.request('GET', '/api/v1/orders?channel=douyin&limit=5')).body.items[0];
    assert.ok(vip, 'the push made an order');
    assert.deepEqual([vip.priority, vip.handlingGroup], ['urgent', 'VIP']);
    await row(vip.id).waitFor({ timeout: 5_000 });
    const shownAfter = Date.now() - pushed;
    assert.ok(shownAfter < 5_000, `shown after ${shownAfter} ms`);
    assert.equal(await row(vip.id).getAttribute('data-priority'), 'urgent');
    assert.equal(await row(vip.id).locator('.ant-tag-red[data-tier="urgent"]').count(), 1, 'the urgent tier is red');
    assert.equal(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed), true, 'no reload');
  });

  test('an order turns amber on the board once the clock passes 2 hours pending', async () => {
    const now = world.api.clock.now().toISOString();
    const order = await world.post({ ...world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]]), paidAt: now, orderedAt: now, channelModifiedAt: now });
    await row(order.id).waitFor({ timeout: 5_000 });
    assert.equal(await row(order.id).getAttribute('data-warning'), 'none');
    world.api.clock.advance(2 * 60 * 60_000 + 60_000);
    await page.locator(`tr[data-order-id="${order.id}"][data-warning="amber"]`).waitFor({ timeout: 8_000 });
    assert.match(await row(order.id).getAttribute('class') ?? '', /board-row-amber/);
  });

  test('an order\'s detail shows its timeline, rules, deliveries and time conversions, and retries a failed push', async () => {
    const order = await world.post({ ...world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]]), tags: ['VIP'] });
    world.qimen.outage(10 * 60_000);
    await world.dispatchAll({ ...fastDispatch, maxAttempts: 2 });
    const [failed] = await world.deliveries(order.id);
    assert.equal(failed.status, 'failed');
    await page.goto(url(`/orders/${order.id}`));
    await page.locator(`[data-delivery="${failed.code}"][data-delivery-status="failed"]`).waitFor();
    assert.match(await page.locator('[data-testid="rules-fired"]').innerText(), /v\d/);
    assert.ok((await page.locator('[data-testid="timeline"] .ant-timeline-item').count()) >= 3);
    assert.match(await page.locator('[data-testid="routing"]').innerText(), /HZ01/);
    // Its payment time as written for the Qimen WMS: Beijing's wall clock, with where it came from.
    const card = page.locator('[data-testid="time-conversions"]');
    await card.locator('text=2026-11-11 12:00:00').first().waitFor({ timeout: 5_000 });
    const conversions = await card.innerText();
    assert.match(conversions, /2026-11-11 12:00:00/);
    assert.match(conversions, /Asia\/Shanghai/);
    assert.match(conversions, /2026-11-11T04:00:00Z/);
    world.api.clock.advance(11 * 60_000);
    await page.click('[data-testid="retry-push"]');
    await page.locator(`[data-delivery="${failed.code}"][data-delivery-status="pending"]`).waitFor({ timeout: 5_000 });
    await world.dispatchAll();
    await page.locator(`[data-delivery="${failed.code}"]:not([data-delivery-status="failed"]):not([data-delivery-status="pending"])`).waitFor({ timeout: 5_000 });
    const [after] = await world.deliveries(order.id);
    assert.notEqual(after.status, 'failed');
  });

  test('a bulk hold puts every selected order on hold, with the reason given', async () => {
    const orders = [];
    for (let i = 0; i < 2; i++) orders.push(await world.post(world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]])));
    await page.goto(url('/board'));
    for (const o of orders) {
      await row(o.id).waitFor();
      await row(o.id).locator('input[type="checkbox"]').check();
    }
    await page.click('[data-testid="bulk-hold"]');
    await page.fill('[data-testid="reason-input"]', '客户要求暂缓发货');
    await page.click('#reason-ok');
    for (const o of orders) await page.locator(`tr[data-order-id="${o.id}"][data-status="on_hold"]`).waitFor({ timeout: 5_000 });
    for (const o of orders) {
      const stored = (await world.api.request('GET', `/api/v1/orders/${o.id}`)).body;
      assert.equal(stored.status, 'on_hold');
      assert.equal(stored.statusReason, '客户要求暂缓发货');
      assert.equal(stored.events.at(-1).actor, `person:${personId}`);
    }
    await page.goto(url(`/orders/${orders[0]!.id}`));
    await page.locator('[data-testid="timeline"]', { hasText: '值班主管' }).waitFor({ timeout: 5_000 });
  });

  test('the CSV export downloads the current filter, with a BOM and Chinese headings', async () => {
    await page.goto(url('/board?status=on_hold'));
    await page.locator('[data-testid="board-table"] tr[data-order-id]').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-csv"]')]);
    const bytes = await readFile((await download.path())!);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    assert.match(lines[0]!, /^订单号,渠道/);
    assert.ok(lines.length >= 3, 'the two held orders at least');
    assert.ok(lines.slice(1).every((l) => l.includes(',挂起,')), 'statuses in words of the language asked for');
  });

  test('editing a rule in the editor gives the next matching order the new tier', async () => {
    await page.goto(url('/rules'));
    const next = page.locator('tr[data-rule-id]').filter({ hasText: '当日达' });
    await next.locator('[data-testid="rule-edit"]').click();
    const action = page.locator('[data-testid="action-priority"]').first();
    await action.click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="紧急"], .ant-select-dropdown:visible .ant-select-item-option >> text=紧急').first().click();
    await page.click('[data-testid="rule-save"]');
    await page.locator('.ant-message-success').waitFor();
    const order = await world.post({ ...world.order(['浙江省', '杭州市', '西湖区'], [['MUG', 1]]), tags: ['当日达'] });
    assert.equal(order.priority, 'urgent');
  });

  test('a warehouse added in settings is stored as entered', async () => {
    await page.goto(url('/settings'));
    await page.getByRole('tab', { name: '仓库' }).click();
    await page.click('[data-testid="warehouse-add"]');
    const dialog = page.locator('.ant-modal:visible');
    await dialog.locator('#code').fill('NJ01');
    await dialog.locator('#name').fill('华东南京仓');
    await dialog.locator('#divisionCode').fill('320100');
    await dialog.locator('.ant-btn-primary').click();
    await page.locator('tr[data-row-key="NJ01"]').waitFor();
    const stored = (await world.api.request('GET', '/api/v1/warehouses/NJ01')).body;
    // Its zone and carrier cut-off come from the region pack of its country.
    assert.deepEqual([stored.name, stored.timeZone, stored.country, stored.cutOff, stored.location.divisionCode], ['华东南京仓', 'Asia/Shanghai', 'CN', '16:00', '320100']);
  });

  test('a calendar shows Golden Week and its make-up days, says when a year\'s official data is missing, and takes a holiday-cn file', async () => {
    const made = await world.api.request('POST', '/api/v1/calendars', { body: { code: 'CN-WH', name: '仓库日历', country: 'CN' } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    await page.goto(url('/settings'));
    await page.getByRole('tab', { name: '工作日历' }).click();
    const year = page.locator('input[data-testid="calendar-year"], [data-testid="calendar-year"] input').first();
    await year.fill('2025');
    await year.press('Enter');
    await page.locator('[data-date="2025-10-01"][data-kind="holiday"]').waitFor();
    assert.equal(await page.locator('[data-date="2025-10-11"]').getAttribute('data-kind'), 'makeup', 'Saturday 11 October 2025 is a make-up working day');
    assert.equal(await page.locator('[data-date="2025-10-12"]').getAttribute('data-kind'), 'weekend');
    await year.fill('2099');
    await year.press('Enter');
    await page.locator('[data-testid="calendar-missing"]').waitFor();
    const file = JSON.stringify({ year: 2099, papers: [], days: [{ name: '元旦', date: '2099-01-01', isOffDay: true }, { name: '春节', date: '2099-01-03', isOffDay: false }] });
    await page.locator('[data-testid="calendars"] input[type="file"]').setInputFiles({ name: '2099.json', mimeType: 'application/json', buffer: Buffer.from(file) });
    await page.locator('[data-date="2099-01-01"][data-kind="holiday"]').waitFor();
    await page.locator('[data-testid="calendar-missing"]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('[data-date="2099-01-03"]').getAttribute('data-kind'), 'makeup');
  });

  test('the console switches to English and stays so; times name their zone', async () => {
    await page.goto(url('/board'));
    await page.click('[data-testid="language"]');
    await page.locator('h2', { hasText: 'Order board' }).waitFor();
    await page.reload();
    await page.locator('h2', { hasText: 'Order board' }).waitFor();
    assert.match(await page.locator('[data-testid="zone"]').innerText(), /Asia\/Shanghai \(UTC\+08:00\)/, 'the zone times are shown in, named at the top of every page');
  });
});

describe('the demo in a browser', { skip: chromiumAvailable() ? false : 'no /usr/bin/chromium here (CI installs it)' }, () => {
  test('the link `oms serve --demo` prints signs the demo admin in to the console, once', async () => {
    ensureConsoleBuilt();
    const server = await startServer(['--db', 'memory', '--demo']);
    const browser = await launchChromium();
    try {
      const link = /Open the console[^\n]*\n\s+(http:\/\/\S+\/auth\/link\?token=demo\.\S+)/.exec(server.output())?.[1];
      assert.ok(link, server.output());
      const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
      await page.goto(link.replace('127.0.0.1', new URL(server.url).hostname));
      await page.waitForURL(/\/board$/);
      await page.locator('[data-testid="person"]', { hasText: '演示管理员' }).waitFor();
      await page.locator('tr[data-order-id]').first().waitFor({ timeout: 10_000 });
      const again = await (await browser.newContext()).newPage();
      await again.goto(link);
      await again.waitForURL(/\/login\?error=link$/);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
});
