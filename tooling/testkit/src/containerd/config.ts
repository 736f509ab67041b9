/** The paths a private containerd works in; every one lies under one temp dir. */
export interface ContainerdPaths {
  /** containerd's `root` (content, snapshots, metadata database). */
  root: string;
  /** containerd's `state` (sockets of plugins, task bundles). */
  state: string;
  /** The gRPC socket. */
  address: string;
  /** The ttrpc socket shims forward events to. */
  ttrpcAddress: string;
  /** The `opt` plugin's dir (default /opt/containerd, which would touch the host). */
  opt: string;
}

/**
 * A containerd 1.6 config (version 2) for a private daemon: own root, state, gRPC and ttrpc
 * sockets and opt dir; CRI disabled the way 1.6 honours (`disabled_plugins`, not
 * `[plugins.cri] disable`); no debug socket, log level info. `extra` is appended verbatim.
 */
export function containerdConfig(paths: ContainerdPaths, extra = ''): string {
  const q = (value: string) => JSON.stringify(value);
  return [
    'version = 2',
    `root = ${q(paths.root)}`,
    `state = ${q(paths.state)}`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '',
    '[grpc]',
    `  address = ${q(paths.address)}`,
    '',
    '[ttrpc]',
    `  address = ${q(paths.ttrpcAddress)}`,
    '',
    '[debug]',
    '  address = ""',
    '  level = "info"',
    '',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${q(paths.opt)}`,
    '',
    extra,
  ].join('\n');
}
