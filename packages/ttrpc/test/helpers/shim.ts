// Test helpers to drive the real containerd-shim-runc-v2 (wire doc §8.0): a bundle with a
// busybox rootfs, the shim's log FIFO, `start` and `delete` invocations, and cleanup of the
// shim's global state (/run/containerd/s/<hash>, /run/containerd/runc/<ns>).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants, openSync } from 'node:fs';
import { chmod, copyFile, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';

export const shimBinary = '/usr/bin/containerd-shim-runc-v2';
export const busyboxBinary = '/bin/busybox';

export interface ShimBundle {
  root: string;
  namespace: string;
  id: string;
  bundle: string;
  /** The value passed as `-address` (containerd's gRPC socket path; nothing listens there). */
  address: string;
  /** Everything the shim wrote to its log FIFO so far. */
  log(): string;
  /** Closes the FIFO reader. */
  closeLog(): void;
}

/** A minimal OCI runtime spec running `args` in the busybox rootfs. */
export function ociSpec(hostname: string, cgroupsPath: string, args: string[]): object {
  return {
    ociVersion: '1.0.2',
    process: { terminal: false, user: { uid: 0, gid: 0 }, args, env: ['PATH=/bin'], cwd: '/', noNewPrivileges: true },
    root: { path: 'rootfs', readonly: true },
    hostname,
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] }],
    linux: {
      cgroupsPath,
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: ['/proc/kcore'],
      readonlyPaths: ['/proc/sys'],
    },
  };
}

/** Lays out a runtime v2 bundle as containerd does (§8.0 step 3, §8.6). */
export async function createBundle(root: string, namespace: string, id: string, args: string[]): Promise<ShimBundle> {
  const state = join(root, 'state');
  await mkdir(join(state, namespace), { recursive: true, mode: 0o711 });
  const bundle = join(state, namespace, id);
  await mkdir(bundle, { mode: 0o700 });
  await writeFile(join(bundle, 'config.json'), JSON.stringify(ociSpec(id, `/${namespace}-${id}`, args)));
  await mkdir(join(bundle, 'rootfs', 'bin'), { recursive: true, mode: 0o711 });
  await copyFile(busyboxBinary, join(bundle, 'rootfs', 'bin', 'busybox'));
  await chmod(join(bundle, 'rootfs', 'bin', 'busybox'), 0o755);
  await mkdir(join(bundle, 'rootfs', 'proc'));
  const work = join(root, 'work', namespace, id);
  await mkdir(work, { recursive: true, mode: 0o711 });
  await symlink(work, join(bundle, 'work'));
  // The shim opens `log` write-only and blocks until a reader exists: keep one open and drain it.
  execFileSync('mkfifo', ['-m', '0700', join(bundle, 'log')]);
  // A plain fd, not a FileHandle: the socket owns and closes it, and a FileHandle collected
  // later would close the same fd number again (EBADF, which crashes the process).
  const reader = new Socket({ fd: openSync(join(bundle, 'log'), constants.O_RDWR | constants.O_NONBLOCK), readable: true, writable: false });
  let text = '';
  reader.on('data', (chunk: Buffer) => (text += chunk.toString()));
  reader.on('error', () => {});
  return {
    root,
    namespace,
    id,
    bundle,
    address: join(root, 'containerd.sock'),
    log: () => text,
    closeLog: () => {
      reader.destroy();
    },
  };
}

function shimArgs(b: ShimBundle): string[] {
  return ['-namespace', b.namespace, '-address', b.address, '-publish-binary', '/usr/bin/containerd', '-id', b.id];
}

function runShim(b: ShimBundle, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(shimBinary, args, { cwd: b.bundle, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${shimBinary} ${args.at(-1)} did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'exit', not 'close': the shim daemon re-executed by `start` may keep inherited pipes open.
    child.on('exit', (code) => {
      clearTimeout(timer);
      setImmediate(() => resolve({ code, stdout: Buffer.concat(stdout), stderr }));
    });
  });
}

/** `<shim> ... start` (§8.2): returns the ttrpc address the shim printed. */
export async function startShim(b: ShimBundle, ttrpcAddress: string): Promise<string> {
  const env = { ...process.env, GOMAXPROCS: '2', TTRPC_ADDRESS: ttrpcAddress };
  const { code, stdout, stderr } = await runShim(b, [...shimArgs(b), 'start'], env, 30_000);
  const output = `${stdout.toString()}${stderr}`.trim();
  if (code !== 0) throw new Error(`shim start exited ${code}: ${output}`);
  return stdout.toString().trim();
}

/** `<shim> ... -bundle <bundle> delete` (§8.3): returns the encoded DeleteResponse on stdout. */
export async function deleteShim(b: ShimBundle): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return runShim(b, [...shimArgs(b), '-bundle', b.bundle, 'delete'], { ...process.env, GOMAXPROCS: '2' }, 30_000);
}

/** The path of the shim's socket: /run/containerd/s/hex(sha256(address/ns/id)). */
export function shimSocketPath(b: ShimBundle): string {
  const hash = createHash('sha256').update(join(b.address, b.namespace, b.id)).digest('hex');
  return `/run/containerd/s/${hash}`;
}

/** Whether a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes the shim's state outside the bundle: its socket and runc's state for the namespace. */
export async function removeShimState(b: ShimBundle): Promise<void> {
  await rm(shimSocketPath(b), { force: true });
  await rm(join('/run/containerd/runc', b.namespace), { recursive: true, force: true });
}
