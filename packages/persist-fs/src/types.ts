/** A JSON value, for the free-form `extensions` of a state. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The lifecycle of a sandbox (kata's sandbox states). */
export const sandboxStatuses = ['ready', 'running', 'paused', 'stopped'] as const;
/** One of the {@link sandboxStatuses}. */
export type SandboxStatus = (typeof sandboxStatuses)[number];

/** The lifecycle of a container (containerd's task statuses a shim can report). */
export const containerStatuses = ['created', 'running', 'paused', 'stopped'] as const;
/** One of the {@link containerStatuses}. */
export type ContainerStatus = (typeof containerStatuses)[number];

/** How to reach the shim that serves a sandbox again after a daemon restart. */
export interface ShimState {
  /** The shim's ttrpc address, `unix:///run/containerd/s/<hex>`. */
  address: string;
  /** The absolute path of the shim binary (to run `delete` with when it is gone). */
  binaryPath: string;
  /** The shim's process id, when known. */
  pid?: number;
}

/** A mount of a container's rootfs (the `Mount` of containerd's API). */
export interface MountState {
  /** File system type: `overlay`, `bind`, `tmpfs`, ... */
  type: string;
  /** What is mounted. */
  source: string;
  /** Where, relative to the rootfs, when not the rootfs itself. */
  target?: string;
  /** Mount options (`ro`, `lowerdir=...`). */
  options: string[];
}

/** The stdio a container's init process was created with. */
export interface StdioState {
  /** The stdin FIFO path, or `''`. */
  stdin: string;
  /** The stdout FIFO path, or `''`. */
  stdout: string;
  /** The stderr FIFO path, or `''`. */
  stderr: string;
  /** Whether the process has a terminal. */
  terminal: boolean;
}

/**
 * The persisted state of one sandbox: stored in `<root>/<id>/persist.json`. Optional fields
 * that are `undefined` are omitted on disk and absent when read back.
 */
export interface SandboxState {
  /** The sandbox id; a containerd identifier, and the name of its directory. */
  id: string;
  /** The namespace the sandbox belongs to. */
  namespace: string;
  /** Where the sandbox is in its lifecycle. */
  status: SandboxStatus;
  /** When the sandbox was created, an RFC 3339 / ISO 8601 timestamp. */
  createdAt: string;
  /** The runtime name (`io.containerd.runc.v2`). */
  runtime?: string;
  /** The sandbox's bundle directory. */
  bundle?: string;
  /** The shim serving the sandbox. */
  shim?: ShimState;
  /** User labels. */
  labels: Record<string, string>;
  /** Data of the daemon's own, stored as JSON. */
  extensions?: Record<string, JsonValue>;
}

/**
 * The persisted state of one container of a sandbox: stored in
 * `<root>/<sandbox id>/<container id>/persist.json`.
 */
export interface ContainerState {
  /** The container id; a containerd identifier, and the name of its directory. */
  id: string;
  /** Where the container is in its lifecycle. */
  status: ContainerStatus;
  /** The container's bundle directory. */
  bundle: string;
  /** The mounts that make up its rootfs, in order. */
  rootfs: MountState[];
  /** The init process id, once started. */
  pid?: number;
  /** The exit status, once stopped. */
  exitStatus?: number;
  /** When it exited, an RFC 3339 / ISO 8601 timestamp. */
  exitedAt?: string;
  /** The init process's stdio. */
  stdio?: StdioState;
  /** OCI annotations. */
  annotations: Record<string, string>;
  /** Data of the daemon's own, stored as JSON. */
  extensions?: Record<string, JsonValue>;
}

/** A sandbox and its containers, as {@link PersistStore.fromDisk} returns them. */
export interface PersistedSandbox {
  /** The sandbox's state. */
  sandbox: SandboxState;
  /** Its containers' states by container id, in id order. */
  containers: Map<string, ContainerState>;
}
