// Starts a fresh agora-local-server process (own temp dir and SQLite file,
// --listen 127.0.0.1:0) and hands back its URL.  One server per test file keeps
// tests independent; the process is killed when the test process exits.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// SERVER_WRAPPER runs the server under a tool, e.g.
//   SERVER_WRAPPER="valgrind --error-exitcode=99 --leak-check=full"
// then a memory error fails the file's clean-shutdown test (exit code).
const WRAPPER = (process.env.SERVER_WRAPPER ?? '').split(' ').filter(Boolean);
const START_TIMEOUT_MS = WRAPPER.length ? 60000 : 10000;
const LISTEN_RE = /^agora-local-server listening on (http:\/\/127\.0\.0\.1:(\d+))$/;

const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function serverBinary() {
  const bin = process.env.SERVER_BIN;
  if (!bin) throw new Error('SERVER_BIN is not set: run through meson test, or export SERVER_BIN=<build>/server/agora-local-server');
  return bin;
}

export class ServerProcess {
  constructor(child, url, dir) {
    this.child = child;
    this.url = url;
    this.port = Number(new URL(url).port);
    this.dir = dir;
    this.stderrTail = [];
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  get alive() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, wait for exit; returns {code, signal}. */
  async stop() {
    if (this.alive) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), WRAPPER.length ? 60000 : 5000);
    const result = await this.exitPromise;
    clearTimeout(timer);
    running.delete(this.child);
    if (!process.env.KEEP_SERVER_DIR) rmSync(this.dir, { recursive: true, force: true });
    return result;
  }

  logTail() {
    return this.stderrTail.join('\n');
  }
}

/**
 * startServer({args: [...extra CLI args], seed: <import object>})
 * Resolves once the server printed its "listening on" line.
 */
export async function startServer({ args = [], seed } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'agora-server-test-'));
  const fullArgs = ['--listen', '127.0.0.1:0', '--db', join(dir, 'server.db'), ...args];
  if (seed !== undefined) {
    const seedPath = join(dir, 'seed.json');
    writeFileSync(seedPath, JSON.stringify(seed));
    fullArgs.push('--seed', seedPath);
  }
  const argv = [...WRAPPER, serverBinary(), ...fullArgs];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);

  const stderrTail = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 200) stderrTail.shift();
    if (process.env.SERVER_LOG) process.stderr.write(`[server] ${line}\n`);
  });

  const stdoutLines = [];
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not print its listening line within ${START_TIMEOUT_MS} ms; stdout: ${stdoutLines.join('|')}; stderr: ${stderrTail.join('\n')}`));
    }, START_TIMEOUT_MS);
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      stdoutLines.push(line);
      const m = LISTEN_RE.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (code ${code}, signal ${signal}); stdout: ${stdoutLines.join('|')}; stderr: ${stderrTail.join('\n')}`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  const server = new ServerProcess(child, url, dir);
  server.stderrTail = stderrTail;
  server.stdoutLines = stdoutLines;
  return server;
}
