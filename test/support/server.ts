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

/** Starts `oms serve` on a free port and waits for its ready line. */
export function startServer(args: string[], env: Record<string, string | undefined> = {}): Promise<Server> {
  const child = spawn(process.execPath, [oms, 'serve', '--port', '0', ...args], { env: { ...cleanEnv, ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /OMS ready at (http:\/\/\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve({
          url: ready[1]!,
          output: () => output,
          child,
          stop: () =>
            new Promise((done) => {
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
      reject(new Error(`oms serve exited with ${code}:\n${output}`));
    });
  });
}


/** Starts `oms worker` and waits for its running line. */
export function startWorker(args: string[], env: Record<string, string | undefined> = {}): Promise<Omit<Server, 'url'>> {
  const child = spawn(process.execPath, [oms, 'worker', ...args], { env: { ...cleanEnv, ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no running line within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/OMS worker running/.test(output)) {
        clearTimeout(timer);
        resolve({
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
      reject(new Error(`oms worker exited with ${code}:\n${output}`));
    });
  });
}
