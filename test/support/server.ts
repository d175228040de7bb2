import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The project's executable, run the way an operator runs it. */
export const oms = fileURLToPath(new URL('../../bin/oms', import.meta.url));
export const cleanEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' };

export interface Server {
  url: string;
  output: () => string;
  child: ChildProcess;
  stop(): Promise<number | null>;
}

/** Runs `oms <args>` and waits for the line that says it is up (`ready` matches it). */
function spawnOms(args: string[], env: Record<string, string | undefined>, ready: RegExp, what: string): Promise<Server> {
  const child = spawn(process.execPath, [oms, ...args], { env: { ...cleanEnv, ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const up = ready.exec(output);
      if (up) {
        clearTimeout(timer);
        resolve({
          url: up[1] ?? '',
          output: () => output,
          child,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
              child.once('exit', (code) => done(code));
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
}

/** Starts `oms serve` on a free port and waits for its ready line. */
export function startServer(args: string[], env: Record<string, string | undefined> = {}): Promise<Server> {
  return spawnOms(['serve', '--port', '0', ...args], env, /OMS ready at (http:\/\/\S+)/, 'oms serve');
}

/** Starts `oms worker` and waits for its running line. */
export function startWorker(args: string[], env: Record<string, string | undefined> = {}): Promise<Server> {
  return spawnOms(['worker', ...args], env, /OMS worker running/, 'oms worker');
}
