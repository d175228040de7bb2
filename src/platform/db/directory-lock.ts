import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors.ts';

/**
 * An embedded database directory belongs to one process at a time: a second PGlite on the same
 * files would corrupt them. The lock is a file holding the owner's pid; a lock whose process is
 * gone (killed) is taken over.
 */
export const LOCK_FILE = '.oms.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDirectory(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(path, 'utf8'));
      if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
        throw new AppError(
          'DATABASE_IN_USE',
          `the embedded database in ${dir} is in use by process ${owner} (a running oms serve?). Stop it first, or do this through its API while it runs (e.g. POST /api/v1/keys).`,
        );
      }
      unlinkSync(path);
    }
  }
  throw new AppError('DATABASE_IN_USE', `could not lock the embedded database in ${dir}`);
}
