import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An embedded database directory holds every order, receiver and credential of the deployment,
 * so it is the owner's alone: the directory and its subdirectories 0700, its files 0600. PGlite's
 * file system writes its files world-writable (0666, whatever the process umask), so the modes are
 * set again when the database opens, while it runs and when it closes.
 */
export function makePrivateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tightenTree(dir);
}

/** Sets 0700 on the directory and every directory below it, and 0600 on every file; links are left as they are. */
export function tightenTree(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    try {
      if (entry.isDirectory()) tightenTree(path);
      else if (entry.isFile() && (lstatSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    } catch (err) {
      // A file the database removed meanwhile (a finished WAL segment) needs no mode.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
