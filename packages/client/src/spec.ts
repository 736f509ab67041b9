import type { Spec } from './spec-types.js';

/** The OCI runtime spec version containerd 1.6 writes. */
export const specVersion = '1.0.2-dev';

/** The PATH containerd puts first in every container's environment. */
export const defaultPathEnv = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const defaultCaps = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** The device cgroup rules `ctr run` adds (null, random, full, tty, zero, urandom, console, pts, ptmx). */
export const defaultUnixDevices = [
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' },
  { allow: true, type: 'c', major: 136, access: 'rwm' },
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' },
];

/**
 * containerd's default Linux spec (`oci.populateDefaultUnixSpec` of 1.6, plus the default
 * device rules `ctr run` adds): root user, cwd `/`, 14 default capabilities, RLIMIT_NOFILE 1024,
 * no new privileges, rootfs `rootfs`, the proc/dev/devpts/shm/mqueue/sysfs/run mounts, pid, ipc,
 * uts, mount and network namespaces, masked and read-only paths, cgroup `/<namespace>/<id>`.
 */
export function defaultUnixSpec(namespace: string, id: string): Spec {
  return {
    ociVersion: specVersion,
    process: {
      user: { uid: 0, gid: 0 },
      cwd: '/',
      capabilities: { bounding: [...defaultCaps], effective: [...defaultCaps], permitted: [...defaultCaps] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs' },
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
      },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }, ...defaultUnixDevices.map((d) => ({ ...d }))] },
      cgroupsPath: `/${namespace}/${id}`,
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network' }],
      maskedPaths: [
        '/proc/acpi',
        '/proc/asound',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/sys/firmware',
        '/proc/scsi',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

/**
 * Merges `overrides` into `env` as containerd's `replaceOrAppendEnvValues` does: `KEY=value`
 * replaces the entry of `env` with that key (or is appended), a bare `KEY` removes it.
 */
export function replaceOrAppendEnv(env: readonly string[], overrides: readonly string[]): string[] {
  const out: (string | undefined)[] = [...env];
  // Like the Go client, only keys of `env` are replaced; appended overrides are not looked up again.
  const at = new Map(env.map((entry, i) => [entry.split('=')[0]!, i]));
  for (const entry of overrides) {
    const eq = entry.indexOf('=');
    const i = at.get(eq === -1 ? entry : entry.slice(0, eq));
    if (eq === -1) {
      if (i !== undefined) out[i] = undefined;
    } else if (i !== undefined) out[i] = entry;
    else out.push(entry);
  }
  return out.filter((entry): entry is string => entry !== undefined && entry !== '');
}
