/**
 * `npx segnet-uq serve` (issue 31, friction 13): it prints the server's own PID, and when the
 * wrapper that started it dies (npx killed by its PID), the server exits instead of holding the port.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startedByWrapper, watchParent } from '../bin/parent-watch';

const ROOT = path.join(__dirname, '..');

const alive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

test('startedByWrapper: npm and npx set npm_command (npm run sets npm_lifecycle_event); a shell sets neither', () => {
  assert.ok(startedByWrapper({ npm_command: 'exec' }));
  assert.ok(startedByWrapper({ npm_lifecycle_event: 'start' }));
  assert.not.ok(startedByWrapper({ PATH: '/usr/bin' }));
});

test('watchParent calls back once the watched process is gone, not while it lives', async () => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 400)']);
  const pid = child.pid as number;
  let gone = 0;
  const stop = watchParent(() => { gone++; }, 50, pid);
  await new Promise((r) => setTimeout(r, 200));
  assert.is(gone, 0, 'the process still runs');
  await new Promise((r) => child.once('exit', r));
  await new Promise((r) => setTimeout(r, 300));
  assert.is(gone, 1);
  stop();
});

if (!existsSync(path.join(ROOT, 'dist', 'bin', 'cli.js'))) console.log('  SKIPPED bin-parent-watch npx serve: no dist/ (npm run build)');
else test('npx segnet-uq serve prints its own pid; killing npx by its pid stops the server too', async () => {
  const npx = spawn('npx', ['--no-install', 'segnet-uq', 'serve', '--port', '0', '--quiet'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  npx.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  npx.stderr.on('data', (c: Buffer) => { out += c.toString(); });
  let server = 0;
  try {
    server = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address within 90 s: ${out}`)), 90_000);
      npx.stdout.on('data', () => {
        const m = /pid (\d+); Ctrl-C or kill \1 to stop/.exec(out);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      });
    });
    assert.is.not(server, npx.pid, 'the server\'s pid, not npx\'s');
    assert.match(readFileSync(`/proc/${server}/cmdline`, 'utf8').replace(/\0/g, ' '), /segnet-uq.* serve /);
    npx.kill('SIGTERM');
    const until = Date.now() + 15_000;
    while (alive(server) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    assert.not.ok(alive(server), `server ${server} still runs after npx exited: ${out}`);
    assert.match(out, /the process that started serve \(pid \d+\) exited; stopping\.\.\./);
  } finally {
    if (server && alive(server)) process.kill(server, 'SIGKILL');
    npx.kill('SIGKILL');
  }
});

test.run();
