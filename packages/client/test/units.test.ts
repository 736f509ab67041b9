import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import test from 'ava';
import { InvalidArgumentError, NotImplementedError, UnavailableError } from '@proj/errdefs';
import { mkfifo } from '@proj/mount';
import {
  chainIds,
  Client,
  defaultUnixSpec,
  generateLeaseId,
  logFile,
  normalizeImageName,
  nullIO,
  readTar,
  replaceOrAppendEnv,
  signalNumber,
  withStreams,
  withUser,
  type ContainerHost,
} from '@proj/client';
import { busyboxImage, chainIds as kitChainIds, LONG_NAME, tempRoot, writeTar } from '@proj/testkit';
import { collector } from './helpers/daemon.js';

test('readTar reads ustar and PAX entries with long names, bodies and links', async (t) => {
  const tar = writeTar([
    { path: 'dir', type: 'directory' },
    { path: 'dir/file.txt', type: 'file', content: 'hello\n' },
    { path: `dir/${LONG_NAME}`, type: 'file', content: Buffer.alloc(3000, 7) },
    { path: 'link', type: 'symlink', linkname: 'dir/file.txt' },
  ]);
  const seen: [string, string, number, string, number][] = [];
  for await (const { entry, body } of readTar(Readable.from([tar.subarray(0, 700), tar.subarray(700)]))) {
    let size = 0;
    for await (const chunk of body) size += chunk.length;
    seen.push([entry.name, entry.type, entry.size, entry.linkname, size]);
  }
  t.deepEqual(seen, [
    ['dir/', '5', 0, '', 0],
    ['dir/file.txt', '0', 6, '', 6],
    [`dir/${LONG_NAME}`, '0', 3000, '', 3000],
    ['link', '2', 0, 'dir/file.txt', 0],
  ]);
  await t.throwsAsync(
    (async () => {
      for await (const { body } of readTar(Readable.from([tar.subarray(0, 1100)]))) for await (const _ of body);
    })(),
    { instanceOf: InvalidArgumentError, message: /truncated/ },
  );
});

test('image names, chain ids, env merging, signals and lease ids', (t) => {
  t.is(normalizeImageName('busybox'), 'docker.io/library/busybox:latest');
  t.is(normalizeImageName('team/tool:2'), 'docker.io/team/tool:2');
  t.is(normalizeImageName('example.com:5000/tool'), 'example.com:5000/tool:latest');
  t.is(normalizeImageName('localhost/x@sha256:abc'), 'localhost/x@sha256:abc');
  const image = busyboxImage({ name: 'x', extraLayers: [[{ path: 'a', type: 'file', content: 'a' }]] });
  t.deepEqual(chainIds(image.diffIds), kitChainIds(image.diffIds));
  t.deepEqual(replaceOrAppendEnv(['PATH=/bin', 'A=1'], ['A=2', 'B=3']), ['PATH=/bin', 'A=2', 'B=3']);
  // containerd's replaceOrAppendEnvValues: a bare key unsets, values keep their '=', appended keys are not merged again.
  t.deepEqual(replaceOrAppendEnv(['PATH=/bin', 'A=1', 'B=2'], ['A', 'C']), ['PATH=/bin', 'B=2']);
  t.deepEqual(replaceOrAppendEnv(['A=1'], ['A', 'A=3', 'X=a=b']), ['A=3', 'X=a=b']);
  t.deepEqual(replaceOrAppendEnv([], ['X=1', 'X=2']), ['X=1', 'X=2']);
  t.is(signalNumber('SIGKILL'), 9);
  t.is(signalNumber('TERM'), 15);
  t.is(signalNumber(10), 10);
  t.throws(() => signalNumber('SIGNOPE'), { instanceOf: InvalidArgumentError });
  t.regex(generateLeaseId(), /^\d{1,9}-[A-Za-z0-9_-]{4}$/);
});

test('the default spec is containerd 1.6 populateDefaultUnixSpec plus ctr default devices', (t) => {
  const spec = defaultUnixSpec('ns1', 'c1');
  t.is(spec.ociVersion, '1.0.2-dev');
  t.is(spec.linux?.cgroupsPath, '/ns1/c1');
  t.deepEqual(spec.linux?.namespaces?.map((n) => n.type), ['pid', 'ipc', 'uts', 'mount', 'network']);
  t.is(spec.process?.capabilities?.bounding?.length, 14);
  t.deepEqual(spec.process?.rlimits, [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }]);
  t.deepEqual(spec.mounts?.map((m) => m.destination), ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/run']);
  t.deepEqual(spec.linux?.resources?.devices?.[0], { allow: false, access: 'rwm' });
});

test('IO creators: null IO, log file URIs, and FIFOs need a mkfifo', async (t) => {
  const ctx = { mkfifo: undefined, fifoDir: '/nonexistent' };
  t.deepEqual((await nullIO()('x', ctx)).config, { stdin: '', stdout: '', stderr: '', terminal: false });
  t.deepEqual((await logFile('/var/log/x.log')('x', ctx)).config, {
    stdin: '',
    stdout: 'file:///var/log/x.log',
    stderr: 'file:///var/log/x.log',
    terminal: false,
  });
  await t.throwsAsync(withStreams({})('x', ctx), { instanceOf: NotImplementedError, message: /mkfifo/ });
});

test('FIFO IO copies what the other end writes into Node streams and cleans up its FIFOs', async (t) => {
  const fifoDir = await tempRoot(t, 'client-cio-');
  const out = collector();
  const err = collector();
  const io = await withStreams({ stdout: out.stream, stderr: err.stream, stdin: Readable.from(['to stdin']) })('p1', { mkfifo, fifoDir });
  t.regex(io.config.stdout, /p1-stdout$/);
  t.regex(io.config.stderr, /p1-stderr$/);
  // Play the shim: read stdin, write stdout and stderr, close.
  const stdin = createReadStream(io.config.stdin);
  const readIn = (async () => {
    let text = '';
    stdin.on('data', (chunk) => {
      text += chunk.toString();
      if (text === 'to stdin') stdin.destroy();
    });
    await once(stdin, 'close');
    return text;
  })();
  await io.stdinEnded;
  t.is(await readIn, 'to stdin');
  for (const [path, text] of [
    [io.config.stdout, 'out\n'],
    [io.config.stderr, 'err\n'],
  ] as const) {
    const writer = createWriteStream(path);
    writer.end(text);
    await once(writer, 'close');
  }
  await io.wait();
  t.is(out.text(), 'out\n');
  t.is(err.text(), 'err\n');
  await io.close();
  t.deepEqual(await readdir(fifoDir), [], 'the FIFO directory is gone');
});

test('connecting to a socket nobody serves fails with Unavailable', async (t) => {
  const dir = await tempRoot(t, 'client-nosock-');
  const error = await t.throwsAsync(Client.connect(`${dir}/none.sock`, { timeoutMs: 300 }));
  t.true(error instanceof UnavailableError, String(error));
});

test('withUser resets the additional gids to the primary gid, as containerd\'s WithUser', async (t) => {
  const spec = defaultUnixSpec('ns', 'c');
  spec.process!.user = { uid: 65534, gid: 65534, additionalGids: [65534, 100] };
  const record = { id: 'c', labels: {}, image: '', runtime: { name: 'io.containerd.runc.v2' }, snapshotter: '', snapshotKey: '', extensions: {} };
  await withUser('0:5')({ host: {} as ContainerHost }, record, spec);
  t.deepEqual(spec.process!.user, { uid: 0, gid: 5, additionalGids: [5] });
  await withUser('1000')({ host: {} as ContainerHost }, record, spec);
  t.deepEqual(spec.process!.user, { uid: 1000, gid: 0, additionalGids: [0] }, 'a uid without an image: gid 0');
});

test('readTar closes its source: a file stream is closed after the end of the archive and when the reader stops early', async (t) => {
  const dir = await tempRoot(t, 'client-tar-');
  const path = `${dir}/a.tar`;
  await writeFile(path, writeTar([{ path: 'a.txt', type: 'file', content: 'a' }, { path: 'b.txt', type: 'file', content: 'b' }]));
  const whole = createReadStream(path);
  for await (const { body } of readTar(whole)) for await (const _ of body);
  t.true(whole.destroyed, 'read to the end-of-archive marker: closed, though the zero padding after it was not read');
  const abandoned = createReadStream(path);
  for await (const { entry } of readTar(abandoned)) if (entry.name === 'a.txt') break;
  t.true(abandoned.destroyed, 'stopped after the first entry: closed');
});
