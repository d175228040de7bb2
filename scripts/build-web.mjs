// Builds the console (web/ → web/dist) with Vite. With --if-stale, only when web/dist is missing
// or older than the console's sources or the lockfile, so `npm start` costs nothing when it is
// current. Without Vite installed (a production install without dev dependencies), it says so and
// leaves the platform to serve the API alone.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
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

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
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
// Brotli and gzip copies beside each text file, which the server sends to browsers that take them
// (@fastify/static preCompressed): the console's 1.9 MB of script travels as about 0.5 MB.
for (const file of files(join(web, 'dist'))) {
  if (!/\.(js|css|html|svg|json)$/.test(file) || statSync(file).size < 1024) continue;
  const body = readFileSync(file);
  writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }));
  writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
}
process.stdout.write(`console built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
