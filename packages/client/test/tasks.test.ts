import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import test from 'ava';
import { CanceledError, isFailedPrecondition } from '@proj/errdefs';
import {
  attach,
  logFile,
  nullIO,
  terminal,
  withImageConfig,
  withNewSnapshot,
  withNewSpec,
  withStreams,
  withTTY,
  type Image,
} from '@proj/client';
import { rootTest, tempRoot } from '@proj/testkit';
import { collector, session, type Session, suiteDaemon, until } from './helpers/daemon.js';

const rtest = rootTest(test);
const daemon = suiteDaemon(test);

async function container(s: Session, image: Image, ...args: string[]) {
  const id = s.id();
  return s.client.newContainer(id, [withNewSnapshot(id, image), withNewSpec(withImageConfig(image, ...args))]);
}

rtest.serial('a task runs with stdout and stderr on Node streams; wait gives the exit code and time', async (t) => {
  const s = await session(t, daemon.address());
  const { image } = await s.busybox();
  const c = await container(s, image, 'sh', '-c', 'echo hello; echo oops >&2; exit 7');
  const out = collector();
  const err = collector();
  const task = await c.newTask(withStreams({ stdout: out.stream, stderr: err.stream }));
  t.true(task.pid > 0);
  t.is((await task.status()).status, 'created');
  const exited = task.wait();
  await task.start();
  const status = await exited;
  t.is(status.code, 7);
  t.true(status.exitedAt instanceof Date);
  t.is((await task.status()).status, 'stopped');
  const deleted = await task.delete();
  t.is(deleted.code, 7);
  t.is(out.text(), 'hello\n');
  t.is(err.text(), 'oops\n');
  await c.delete({ withSnapshotCleanup: true });
});

rtest.serial('exit codes: 0, 1, 255 and 137 after SIGKILL; kill by name and number', async (t) => {
  const s = await session(t, daemon.address());
  const { image } = await s.busybox();
  for (const [script, code] of [['exit 0', 0], ['false', 1], ['exit 255', 255]] as const) {
    const c = await container(s, image, 'sh', '-c', script);
    const task = await c.newTask(nullIO());
    const exited = task.wait();
    await task.start();
    t.is((await exited).code, code, script);
    await task.delete();
    await c.delete({ withSnapshotCleanup: true });
  }
  const c = await container(s, image, 'sleep', '60');
  const task = await c.newTask(nullIO());
  const exited = task.wait();
  await task.start();
  t.is((await task.status()).status, 'running');
  await t.throwsAsync(task.delete(), { message: /must be stopped/ });
  await task.kill('SIGKILL');
  t.is((await exited).code, 137);
  await task.delete();
  const c2 = await container(s, image, 'sh', '-c', 'trap "exit 42" TERM; echo ready; while true; do sleep 0.1; done');
  const ready = collector();
  const task2 = await c2.newTask(withStreams({ stdout: ready.stream }));
  const exited2 = task2.wait();
  await task2.start();
  await until('the trap to be set', () => ready.text() === 'ready\n');
  await task2.kill(15);
  t.is((await exited2).code, 42, 'SIGTERM by number, handled by the trap');
  await task2.delete();
  const c3 = await container(s, image, 'sleep', '60');
  const task3 = await c3.newTask(nullIO());
  await task3.start();
  await task3.pause();
  t.is((await task3.delete({ force: true })).code, 137, 'force: SIGKILL, wait, delete (even when paused)');
  await c.delete({ withSnapshotCleanup: true });
  await c2.delete({ withSnapshotCleanup: true });
  await c3.delete({ withSnapshotCleanup: true });
});

rtest.serial('stdin is streamed to the process and closeIO ends it', async (t) => {
  const s = await session(t, daemon.address());
  const { image } = await s.busybox();
  const c = await container(s, image, 'sh', '-c', 'tr a-z A-Z');
  const out = collector();
  const task = await c.newTask(withStreams({ stdin: Readable.from(['hello ', 'stdin\n']), stdout: out.stream }));
  const exited = task.wait();
  await task.start();
  t.is((await exited).code, 0);
  await task.delete();
  t.is(out.text(), 'HELLO STDIN\n');

  const c2 = await container(s, image, 'cat');
  const out2 = collector();
  const stdin = new (await import('node:stream')).PassThrough();
  const task2 = await c2.newTask(withStreams({ stdin, stdout: out2.stream }));
  const exited2 = task2.wait();
  await task2.start();
  stdin.write('partial\n');
  await until('cat to echo its input', () => out2.text() === 'partial\n');
  await task2.closeIO();
  t.is((await exited2).code, 0, 'cat ends when its stdin is closed');
  await task2.delete();
  t.is(out2.text(), 'partial\n');
  await c.delete({ withSnapshotCleanup: true });
  await c2.delete({ withSnapshotCleanup: true });
});

rtest.serial('exec runs extra processes with their own stdout and exit codes; pids lists them', async (t) => {
  const s = await session(t, daemon.address());
  const { image } = await s.busybox();
  const c = await container(s, image, 'sleep', '60');
  const task = await c.newTask(nullIO());
  const exited = task.wait();
  await task.start();
  const spec = (await c.spec()).process!;
  const out = collector();
  const exec = await task.exec('probe', { ...spec, args: ['sh', '-c', 'echo from exec; exit 3'] }, withStreams({ stdout: out.stream }));
  t.is(exec.id, 'probe');
  const execExit = exec.wait();
  t.true((await exec.start()) > 0);
  t.is((await execExit).code, 3);
  t.is((await exec.delete()).code, 3);
  t.is(out.text(), 'from exec\n');

  const sleeper = await task.exec('sleeper', { ...spec, args: ['sleep', '60'] }, nullIO());
  const sleeperExit = sleeper.wait();
  const sleeperPid = await sleeper.start();
  const pids = (await task.pids()).map((p) => p.pid);
  t.true(pids.includes(task.pid) && pids.includes(sleeperPid), `pids ${pids.join(',')}`);
  await sleeper.kill('SIGKILL');
  t.is((await sleeperExit).code, 137);
  await sleeper.delete();

  await task.kill('SIGKILL');
  await exited;
  await task.delete();
  await c.delete({ withSnapshotCleanup: true });
});

rtest.serial('pause and resume; metrics; update resources', async (t) => {
  const s = await session(t, daemon.address());
  const { image } = await s.busybox();
  const c = await container(s, image, 'sleep', '60');
  const task = await c.newTask(nullIO());
  const exited = task.wait();
  await task.start();
  await task.pause();
  t.is((await task.status()).status, 'paused');
  await task.resume();
  t.is((await task.status()).status, 'running');
  const metrics = await task.metrics();
  t.is(metrics.id, c.id);
  t.regex(metrics.data?.typeUrl ?? '', /io\.containerd\.cgroups\.v[12]\.Metrics/);
  await task.update({ resources: { memory: { limit: 64 * 1024 * 1024 } } });
  await task.kill('SIGKILL');
  await exited;
  await task.delete();
  await c.delete({ withSnapshotCleanup: true });
});

rtest.serial('log to file, terminal IO, and re-attaching to a running task', async (t) => {
  const s = await session(t, daemon.address());
  const { image } = await s.busybox();
  const dir = await tempRoot(t, 'client-log-');
  const log = join(dir, 'task.log');
  const c = await container(s, image, 'sh', '-c', 'echo to-log; echo err-log >&2');
  const task = await c.newTask(logFile(log));
  const exited = task.wait();
  await task.start();
  t.is((await exited).code, 0);
  await task.delete();
  t.regex(await readFile(log, 'utf8'), /to-log\n/);
  await c.delete({ withSnapshotCleanup: true });

  const id = s.id();
  const tty = await s.client.newContainer(id, [
    withNewSnapshot(id, image),
    withNewSpec(withImageConfig(image, 'sh', '-c', 'tty; read go; stty size'), withTTY()),
  ]);
  const out = collector();
  const keys = new (await import('node:stream')).PassThrough();
  const ttyTask = await tty.newTask(terminal({ stdin: keys, stdout: out.stream }));
  const ttyExit = ttyTask.wait();
  await ttyTask.start();
  await ttyTask.resize(100, 30);
  keys.write('go\n');
  t.is((await ttyExit).code, 0);
  keys.end();
  await ttyTask.delete();
  t.regex(out.text(), /\/dev\/pts\/\d+\r\n/);
  t.regex(out.text(), /30 100\r\n$/, 'stty sees the size set by resize');
  await tty.delete({ withSnapshotCleanup: true });

  const c3 = await container(s, image, 'sh', '-c', 'read line; echo got $line');
  const first = collector();
  const stdin = new (await import('node:stream')).PassThrough();
  const running = await c3.newTask(withStreams({ stdin, stdout: first.stream }));
  const runningExit = running.wait();
  await running.start();
  const again = collector();
  const reattached = await c3.task(attach({ stdout: again.stream }));
  t.is(reattached.pid, running.pid);
  stdin.end('ping\n');
  t.is((await runningExit).code, 0);
  // Both readers to the end: the exit can overtake the output, and either may have read it.
  await Promise.all([running.io?.wait(), reattached.io?.wait()]);
  t.is(first.text() + again.text(), 'got ping\n', 'one of the two readers got the output');
  await running.delete();
  await reattached.io?.close();
  await c3.delete({ withSnapshotCleanup: true });
});

rtest.serial('AbortSignal cancels a call: an aborted wait rejects with CanceledError', async (t) => {
  const s = await session(t, daemon.address());
  const { image } = await s.busybox();
  const c = await container(s, image, 'sleep', '60');
  const task = await c.newTask(nullIO());
  await task.start();
  const controller = new AbortController();
  const waiting = task.wait({ signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  await t.throwsAsync(waiting, { instanceOf: CanceledError });
  await t.throwsAsync(s.client.version({ signal: AbortSignal.abort() }), { instanceOf: CanceledError });
  const error = await t.throwsAsync(c.delete());
  t.true(isFailedPrecondition(error));
  await task.kill('SIGKILL');
  await task.wait();
  await task.delete();
  await c.delete({ withSnapshotCleanup: true });
});

rtest.serial('a start that fails closes the IO and removes its FIFOs at once, as the Go client; delete still works', async (t) => {
  const s = await session(t, daemon.address());
  const { image } = await s.busybox();
  const c = await container(s, image, 'echo', 'never');
  const out = collector();
  const task = await c.newTask(withStreams({ stdout: out.stream, stderr: out.stream }));
  t.is((await readdir(s.fifoDir)).length, 1, 'the FIFO dir while the task exists');
  const exited = task.wait();
  await task.kill('SIGKILL');
  t.is((await exited).code, 137);
  await t.throwsAsync(task.start(), { message: /stopped/ });
  t.deepEqual(await readdir(s.fifoDir), [], 'no FIFO dir left after the failed start');
  t.is((await task.delete()).code, 137);
  t.is(out.text(), '');
  await c.delete({ withSnapshotCleanup: true });
});
