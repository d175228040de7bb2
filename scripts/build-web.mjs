// Builds the console (web/ → web/dist) with Vite. With --if-stale, only when web/dist is missing
// or older than the console's sources or the lockfile, so `npm start` costs nothing when it is
// current. Without Vite installed (a production install without dev dependencies), it says so and
// leaves the platform to serve the API alone.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const built = join(web, 'dist', 'index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

const sources = [join(web, 'src'), join(web, 'public'), join(web, 'index.html'), join(web, 'vite.config.ts'), join(root, 'package-lock.json')].filter(existsSync);
const stale = !existsSync(built) || sources.some((s) => newest(s) > statSync(built).mtimeMs);

if (process.argv.includes('--if-stale') && !stale) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch {
  process.stderr.write('console not built: Vite is not installed (npm install without --omit=dev builds it)\n');
  process.exit(0);
}
const started = Date.now();
process.stdout.write('building the console (web/ → web/dist)…\n');
await vite.build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
process.stdout.write(`console built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
