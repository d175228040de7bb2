import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, the only browser the tests drive; never a downloaded one. */
export const CHROMIUM = process.env.OMS_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumAvailable = () => existsSync(CHROMIUM);

/** Flags for a headless Chromium on a closed network: no background connections, no sandbox as root. */
const flags = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: flags, headless: true });
}

/** Builds the console if its files are missing or older than its sources. */
export function ensureConsoleBuilt(): void {
  const script = fileURLToPath(new URL('../../scripts/build-web.mjs', import.meta.url));
  const result = spawnSync(process.execPath, [script, '--if-stale'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the console did not build');
}
