/**
 * The names and modes of the runtime v2 bundle layout (wire doc §8.6). The bundle lives at
 * `<state>/<namespace>/<id>` and is the shim's working directory; its work dir lives at
 * `<root>/<namespace>/<id>` and is linked from the bundle as `work`.
 */
export const bundleLayout = {
  /** The OCI runtime spec, the container's `spec.value` bytes. */
  config: 'config.json',
  /** The directory the shim mounts the container's rootfs mounts on. */
  rootfs: 'rootfs',
  /** Symlink to the per-task work dir (runc's criu work). */
  work: 'work',
  /** FIFO the shim writes its log to; the daemon keeps a reader open. */
  log: 'log',
  /** The shim's ttrpc address (`unix:///run/containerd/s/<hex>`), written by `shim start`. */
  address: 'address',
  /** The absolute path of the shim binary, written by the daemon after start. */
  shimBinaryPath: 'shim-binary-path',
} as const;

/** The permission bits of everything a bundle creates (before any umask; they are set explicitly). */
export const bundleModes = {
  /** `<state>/<ns>`, `<root>/<ns>` and any missing parent above them. */
  namespaceDir: 0o711,
  /** `<state>/<ns>/<id>`, the bundle itself. */
  bundleDir: 0o700,
  /** The bundle when the spec maps container GID 0 (user namespaces): group may traverse. */
  bundleDirUserns: 0o710,
  /** `<bundle>/rootfs`. */
  rootfs: 0o711,
  /** `<root>/<ns>/<id>`, the work dir. */
  workDir: 0o711,
  /** `<bundle>/config.json` (as containerd writes it, before the umask). */
  config: 0o666,
  /** `<bundle>/log`, the shim log FIFO. */
  logFifo: 0o700,
} as const;
