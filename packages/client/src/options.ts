/** Options every client call takes. */
export interface CallOptions {
  /** Cancels the call; it then fails with a `CanceledError`. */
  signal?: AbortSignal;
}

/** A function that creates a named pipe (mkfifo(3)) at `path` with `mode`. */
export type FifoMaker = (path: string, mode?: number) => Promise<void> | void;

/** Platform of this host in OCI terms (`linux`/`amd64`). */
export function hostPlatform(): { os: string; architecture: string } {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return { os: process.platform === 'win32' ? 'windows' : process.platform, architecture: arch[process.arch] ?? process.arch };
}

// containerd's platforms.Normalize spellings of architectures.
const architectureAliases: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', i386: '386' };

/**
 * Whether a descriptor's platform is this host's (os and architecture, as containerd's default
 * platform matcher sees them); a descriptor without a platform matches any host.
 */
export function matchesHostPlatform(platform: { os: string; architecture: string } | undefined): boolean {
  if (!platform) return true;
  const host = hostPlatform();
  const architecture = platform.architecture.toLowerCase();
  return platform.os.toLowerCase() === host.os && (architectureAliases[architecture] ?? architecture) === host.architecture;
}
