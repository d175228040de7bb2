// Takes the README's screenshots of the console: starts the platform in demo mode on an in-memory
// database, signs in with the login link it prints, and saves each main page to docs/screenshots/.
// Needs Debian's chromium and a CJK font (apt-get install chromium fonts-noto-cjk).
//   node --import tsx scripts/screenshots.ts
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureConsoleBuilt, launchChromium } from '../test/support/browser.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}docs/screenshots`;
mkdirSync(out, { recursive: true });
ensureConsoleBuilt();

const server = spawn(process.execPath, ['bin/oms', 'serve', '--demo', '--db', 'memory', '--port', '3917'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const link = await new Promise<string>((resolve, reject) => {
  let text = '';
  server.stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const found = /(http:\/\/\S+\/auth\/link\?token=demo\.\S+)/.exec(text);
    if (found) resolve(found[1]!);
  });
  server.on('exit', () => reject(new Error(`the platform stopped:\n${text}`)));
});

const browser = await launchChromium();
try {
  const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const login = await context.newPage();
  await login.goto(new URL('/login', link).toString());
  await login.waitForTimeout(800);
  await login.screenshot({ path: `${out}/login.png` });
  const page = await context.newPage();
  await page.goto(link);
  await page.waitForURL(/\/board$/);
  // Let the demo's live orders arrive and the charts draw.
  await page.waitForTimeout(4_000);
  const shot = async (name: string, path: string, before?: () => Promise<void>) => {
    await page.goto(new URL(path, link).toString());
    await page.waitForTimeout(2_500);
    if (before) await before();
    await page.screenshot({ path: `${out}/${name}.png` });
    process.stdout.write(`  docs/screenshots/${name}.png\n`);
  };
  await shot('board', '/board');
  await shot('overview', '/overview');
  // An order a warehouse has, to show its delivery orders and the conversions its times went through; else a held one.
  const first = (status: string) => page.locator(`tr[data-order-id][data-status="${status}"]`).first().getAttribute('data-order-id', { timeout: 1_000 }).catch(() => null);
  const held = (await first('pushed')) ?? (await first('routed')) ?? (await first('on_hold'));
  await page.goto(new URL('/board', link).toString());
  await page.waitForTimeout(1_500);
  const anyOrder = held ?? (await page.locator('tr[data-order-id]').first().getAttribute('data-order-id'));
  await shot('order', `/orders/${anyOrder}`);
  await shot('inventory', '/inventory');
  await shot('scorecards', '/scorecards');
  await shot('alerts', '/alerts');
  await shot('rules', '/rules');
  await shot('rule-editor', '/rules', async () => {
    await page.locator('tr[data-rule-id] [data-testid="rule-edit"]').first().click();
    await page.waitForTimeout(1_000);
  });
  await shot('settings', '/settings');
  await shot('calendars', '/settings', async () => {
    await page.click('[data-node-key="calendars"]');
    await page.locator('[data-testid="calendars"] .cal-month').first().waitFor();
    await page.waitForTimeout(800);
  });
  await page.click('[data-testid="language"]');
  await shot('board-en', '/board');
  await page.click('[data-testid="language"]');
} finally {
  await browser.close();
  server.kill('SIGTERM');
}
