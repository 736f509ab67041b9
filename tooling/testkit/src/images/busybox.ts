import { readFileSync } from 'node:fs';
import { NotFoundError } from '@proj/errdefs';
import { type BuiltImage, buildImage, type ImageRuntimeConfig, type LayerSpec } from './image.js';
import type { Compression } from './layer.js';
import type { TarEntry } from './tar.js';

/** Where Debian's `busybox-static` installs its binary. */
export const DEFAULT_BUSYBOX_PATH = '/bin/busybox';

/** The applets linked into `/bin` of the busybox layer (each a symlink to `busybox`). */
export const BUSYBOX_APPLETS: readonly string[] = [
  '[', 'ash', 'awk', 'basename', 'cat', 'chgrp', 'chmod', 'chown', 'cp', 'cut', 'date', 'dd', 'df',
  'dirname', 'du', 'echo', 'env', 'expr', 'false', 'find', 'grep', 'head', 'hostname', 'id', 'kill',
  'ln', 'ls', 'mkdir', 'mkfifo', 'mknod', 'mount', 'mv', 'nproc', 'od', 'printf', 'ps', 'pwd',
  'readlink', 'realpath', 'rm', 'rmdir', 'sed', 'seq', 'sh', 'sleep', 'sort', 'stat', 'sync', 'tail',
  'tee', 'test', 'timeout', 'touch', 'tr', 'true', 'umount', 'uname', 'uniq', 'wc', 'which', 'whoami',
  'xargs', 'yes',
];

/** The PATH every testkit image sets. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The users of the busybox layer's `/etc/passwd`: root, `user` (1000) and `nobody` (65534). */
export const BUSYBOX_PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'user:x:1000:1000:user:/home/user:/bin/sh',
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
  '',
].join('\n');

/** The groups of the busybox layer's `/etc/group`. */
export const BUSYBOX_GROUP = ['root:x:0:', 'user:x:1000:', 'nogroup:x:65534:', ''].join('\n');

/** Options of {@link busyboxLayerEntries}. */
export interface BusyboxLayerOptions {
  /** Path of a static busybox binary; default {@link DEFAULT_BUSYBOX_PATH}. */
  busyboxPath?: string;
}

const binaries = new Map<string, Buffer>();

/** Reads (once per path) the static busybox binary, or says how to install it. */
export function readBusybox(path = DEFAULT_BUSYBOX_PATH): Buffer {
  let binary = binaries.get(path);
  if (!binary) {
    try {
      binary = readFileSync(path);
    } catch (cause) {
      throw new NotFoundError(`busybox binary ${path} not found: install Debian's busybox-static (apt-get install busybox-static) or pass busyboxPath`, { cause });
    }
    binaries.set(path, binary);
  }
  return binary;
}

/**
 * The entries of a minimal root filesystem: `/bin/busybox` with applet symlinks
 * ({@link BUSYBOX_APPLETS}), `/etc/passwd` and `/etc/group`, a sticky `/tmp`, `/root` (0700),
 * `/home/user` owned by 1000:1000, and the empty mount points `/dev`, `/proc`, `/sys`.
 */
export function busyboxLayerEntries(options: BusyboxLayerOptions = {}): TarEntry[] {
  const entries: TarEntry[] = [
    { path: 'bin', type: 'directory' },
    { path: 'bin/busybox', type: 'file', mode: 0o755, content: readBusybox(options.busyboxPath) },
    ...BUSYBOX_APPLETS.map((applet): TarEntry => ({ path: `bin/${applet}`, type: 'symlink', linkname: 'busybox' })),
    { path: 'dev', type: 'directory' },
    { path: 'etc', type: 'directory' },
    { path: 'etc/passwd', type: 'file', content: BUSYBOX_PASSWD },
    { path: 'etc/group', type: 'file', content: BUSYBOX_GROUP },
    { path: 'etc/hostname', type: 'file', content: 'testkit\n' },
    { path: 'home', type: 'directory' },
    { path: 'home/user', type: 'directory', uid: 1000, gid: 1000 },
    { path: 'proc', type: 'directory' },
    { path: 'root', type: 'directory', mode: 0o700 },
    { path: 'sys', type: 'directory' },
    { path: 'tmp', type: 'directory', mode: 0o1777 },
    { path: 'usr', type: 'directory' },
    { path: 'usr/bin', type: 'directory' },
    { path: 'var', type: 'directory' },
  ];
  return entries;
}

/** Options of {@link busyboxImage}. */
export interface BusyboxImageOptions extends BusyboxLayerOptions {
  /** Image name, such as `docker.io/library/busybox:latest` (normalized if short). */
  name: string;
  /** Overrides of the runtime config (default: PATH, `Cmd: ["sh"]`, `WorkingDir: "/"`). */
  config?: ImageRuntimeConfig;
  /** Layers stacked on top of the busybox layer. */
  extraLayers?: readonly (LayerSpec | readonly TarEntry[])[];
  /** Layer compression; default `'gzip'`. */
  compression?: Compression;
}

/** The runtime config of busybox images unless overridden. */
export function defaultBusyboxConfig(): ImageRuntimeConfig {
  return { Env: [`PATH=${DEFAULT_PATH}`], Cmd: ['sh'], WorkingDir: '/' };
}

/**
 * A runnable busybox image: one layer from {@link busyboxLayerEntries}, plus any `extraLayers`.
 * `ctr run --rm <name> <id> echo hello` prints `hello` once it is imported.
 */
export function busyboxImage(options: BusyboxImageOptions): BuiltImage {
  return buildImage({
    name: options.name,
    layers: [
      { entries: busyboxLayerEntries(options), createdBy: 'testkit busybox layer (Debian busybox-static)' },
      ...(options.extraLayers ?? []),
    ],
    config: { ...defaultBusyboxConfig(), ...options.config },
    ...(options.compression ? { compression: options.compression } : {}),
  });
}
