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
