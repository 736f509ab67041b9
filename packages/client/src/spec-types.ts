/** The OCI runtime spec (the parts containerd's clients set; other fields pass through). */
export interface Spec {
  ociVersion: string;
  process?: ProcessSpec;
  root?: { path: string; readonly?: boolean };
  hostname?: string;
  mounts?: SpecMount[];
  annotations?: Record<string, string>;
  linux?: LinuxSpec;
  [key: string]: unknown;
}

/** A process in the OCI runtime spec (the init process, or an exec). */
export interface ProcessSpec {
  terminal?: boolean;
  consoleSize?: { height: number; width: number };
  user: { uid: number; gid: number; umask?: number; additionalGids?: number[]; username?: string };
  args?: string[];
  env?: string[];
  cwd: string;
  capabilities?: { bounding?: string[]; effective?: string[]; inheritable?: string[]; permitted?: string[]; ambient?: string[] };
  rlimits?: { type: string; hard: number; soft: number }[];
  noNewPrivileges?: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
  selinuxLabel?: string;
  [key: string]: unknown;
}

/** A mount in the OCI runtime spec. */
export interface SpecMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

/** The Linux part of the OCI runtime spec. */
export interface LinuxSpec {
  resources?: {
    devices?: { allow: boolean; type?: string; major?: number; minor?: number; access?: string }[];
    memory?: { limit?: number; [key: string]: unknown };
    cpu?: { shares?: number; quota?: number; period?: number; [key: string]: unknown };
    pids?: { limit: number };
    [key: string]: unknown;
  };
  cgroupsPath?: string;
  namespaces?: { type: string; path?: string }[];
  maskedPaths?: string[];
  readonlyPaths?: string[];
  mountLabel?: string;
  [key: string]: unknown;
}
