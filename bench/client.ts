// Container create + start + wait + delete cycles per second against one real containerd:
// through @proj/client (stdio on FIFOs, as ctr does, and with null IO) and through
// `ctr run --rm` (containerd's Go client, one process per cycle), in one run. The daemon is a
// private containerd 1.6 this script starts (root needed) unless --address names one.
//
//   npm run build -w @proj/client && npx tsx bench/client.ts [--cycles 30] [--address /run/containerd/containerd.sock]
import { execFile } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkfifo } from '@proj/mount';
import { Client, type Image, type IOCreator, nullIO, withImageConfig, withNewSnapshot, withNewSpec, withStreams } from '@proj/client';
import { busyboxImage, ociArchive, startContainerd } from '@proj/testkit';

const run = promisify(execFile);
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : (args[i + 1] ?? fallback);
};
const cycles = Number(option('cycles', '30'));
const given = args.includes('--address') ? option('address', '') : undefined;

const daemon = given ? undefined : await startContainerd();
const address = given ?? daemon!.address;
const namespace = `bench-${process.pid}`;
const fifoDir = await mkdtemp(join(tmpdir(), 'bench-fifo-'));
const client = await Client.connect(address, { namespace, mkfifo, fifoDir });

async function cycleClient(image: Image, id: string, io: IOCreator): Promise<void> {
  const container = await client.newContainer(id, [withNewSnapshot(id, image), withNewSpec(withImageConfig(image, 'true'))]);
  const task = await container.newTask(io);
  const exited = task.wait();
  await task.start();
  await exited;
  await task.delete();
  await container.delete({ withSnapshotCleanup: true });
}

async function measure(label: string, cycle: (i: number) => Promise<void>): Promise<number> {
  await cycle(-1); // warm-up
  const start = performance.now();
  for (let i = 0; i < cycles; i++) await cycle(i);
  const seconds = (performance.now() - start) / 1000;
  const rate = cycles / seconds;
  console.log(`${label.padEnd(40)} ${rate.toFixed(2).padStart(7)} cycles/s  (${((seconds / cycles) * 1000).toFixed(0)} ms per cycle, ${cycles} cycles)`);
  return rate;
}

try {
  const [image] = await client.import(Readable.from([ociArchive(busyboxImage({ name: 'docker.io/library/busybox:bench' }))]));
  const discard = () => new Writable({ write: (_c, _e, cb) => cb() });
  console.log(`containerd ${(await client.version()).version} at ${address}`);
  await measure('@proj/client (FIFO stdio, like ctr)', (i) => cycleClient(image!, `cl-fifo-${i + 1}`, withStreams({ stdout: discard(), stderr: discard() })));
  await measure('@proj/client (null IO)', (i) => cycleClient(image!, `cl-null-${i + 1}`, nullIO()));
  await measure('ctr run --rm (Go client, a process each)', async (i) => {
    await run('ctr', ['-a', address, '-n', namespace, 'run', '--rm', image!.name, `ctr-${i + 1}`, 'true']);
  });
  await image!.delete({ sync: true });
  // containerd refuses to delete a namespace that still holds anything: a leak shows here.
  await client.namespaces.delete(namespace).catch((err: unknown) => console.warn(`namespace ${namespace} not deleted (something leaked): ${String(err)}`));
} finally {
  client.close();
  await rm(fifoDir, { recursive: true, force: true });
  await daemon?.stop();
}
