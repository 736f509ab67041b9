import test from 'ava';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  busyboxImage,
  containerdConfig,
  probeContainerd,
  rootTest,
  startContainerd,
  useContainerd,
  mountsUnder,
  writeOciArchive,
} from '@proj/testkit';

const rtest = rootTest(test);

test('the generated config is version 2 with CRI disabled and private paths', (t) => {
  const config = containerdConfig({
    root: '/x/root',
    state: '/x/state',
    address: '/x/containerd.sock',
    ttrpcAddress: '/x/containerd.sock.ttrpc',
    opt: '/x/opt',
  });
  t.regex(config, /^version = 2$/m);
  t.regex(config, /^disabled_plugins = \["io.containerd.grpc.v1.cri"\]$/m);
  t.regex(config, /^root = "\/x\/root"$/m);
  t.regex(config, /^state = "\/x\/state"$/m);
  t.regex(config, /\[grpc\]\n {2}address = "\/x\/containerd.sock"/);
  t.regex(config, /\[ttrpc\]\n {2}address = "\/x\/containerd.sock.ttrpc"/);
  t.regex(config, /\[debug\]\n {2}address = ""\n {2}level = "info"/);
});

test('probeContainerd is false when nothing listens', async (t) => {
  t.false(await probeContainerd('/nonexistent/proj-testkit.sock', 500));
});

rtest('startContainerd runs a private daemon that answers, and stop() removes every trace', async (t) => {
  const daemon = await startContainerd();
  try {
    t.true(await probeContainerd(daemon.address));
    t.true(existsSync(daemon.ttrpcAddress), 'ttrpc socket exists');
    t.regex(readFileSync(`/proc/${daemon.pid}/cmdline`, 'utf8'), /containerd\0--config\0/);
    const version = await daemon.ctr('version');
    t.regex(version, /Server:\n\s+Version:\s+1\.6\./);
    // CRI is disabled: it is not among the loaded plugins.
    const plugins = await daemon.ctr('plugins', 'ls');
    t.false(/io\.containerd\.grpc\.v1\s+cri\s+.*ok/.test(plugins));
    t.regex(plugins, /io\.containerd\.grpc\.v1\s+version\s+-\s+ok/);
  } finally {
    await daemon.stop();
  }
  t.false(existsSync(`/proc/${daemon.pid}`), 'containerd is gone');
  t.false(existsSync(daemon.dir), 'its dir is removed');
  t.deepEqual(mountsUnder(daemon.dir), []);
  await daemon.stop(); // twice is fine
});

rtest('useContainerd stops the daemon at teardown', async (t) => {
  const daemon = await useContainerd(t);
  t.true(await probeContainerd(daemon.address));
  t.true(daemon.dir.startsWith('/tmp/') || daemon.dir.includes('proj-ctd-'));
});

rtest('stop() kills and deletes the tasks a test left running: no process, shim socket or runc state remains', async (t) => {
  const daemon = await startContainerd();
  const namespace = `tk-stop-${randomBytes(4).toString('hex')}`;
  const id = `left-${randomBytes(4).toString('hex')}`;
  let taskPid = 0;
  try {
    const archive = join(daemon.dir, 'busybox.tar');
    await writeOciArchive(archive, busyboxImage({ name: 'docker.io/testkit/busybox:stop' }));
    await daemon.ctr('-n', namespace, 'images', 'import', archive);
    await daemon.ctr('-n', namespace, 'run', '-d', 'docker.io/testkit/busybox:stop', id, 'sleep', '600');
    const row = (await daemon.ctr('-n', namespace, 'tasks', 'ls')).split('\n').find((line) => line.startsWith(id));
    taskPid = Number(row?.split(/\s+/)[1]);
    t.true(taskPid > 0 && existsSync(`/proc/${taskPid}`), `the task runs: ${row}`);
  } finally {
    await daemon.stop();
  }
  const socket = `/run/containerd/s/${createHash('sha256').update(join(daemon.address, namespace, id)).digest('hex')}`;
  t.false(existsSync(`/proc/${taskPid}`), 'the task process is gone');
  t.false(existsSync(socket), 'the shim socket is gone');
  t.false(existsSync(join('/run/containerd/runc', namespace)), 'the runc state of the namespace is gone');
  const cgroups = ['/sys/fs/cgroup', ...readdirSync('/sys/fs/cgroup').map((name) => join('/sys/fs/cgroup', name))];
  t.deepEqual(cgroups.filter((hierarchy) => existsSync(join(hierarchy, namespace))), [], 'no cgroup of the namespace is left');
  const fifoDirs = existsSync('/run/containerd/fifo') ? readdirSync('/run/containerd/fifo') : [];
  t.deepEqual(
    fifoDirs.filter((dir) => existsSync(join('/run/containerd/fifo', dir, `${id}-stdout`))),
    [],
    'no stdio fifo of the task is left in /run/containerd/fifo',
  );
  t.false(existsSync(daemon.dir));
});
