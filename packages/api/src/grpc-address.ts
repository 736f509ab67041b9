/**
 * The grpc-js target for a containerd address: a bare socket path (`/run/containerd/containerd.sock`)
 * or `unix://...` becomes `unix:///path`; other targets (e.g. `localhost:1234`) pass unchanged.
 */
export function grpcTarget(address: string): string {
  if (address.startsWith('unix://')) return address;
  if (address.startsWith('unix:')) return `unix://${address.slice('unix:'.length)}`;
  if (address.startsWith('/')) return `unix://${address}`;
  return address;
}

/** containerd's client message size limit: 16 MiB each way. */
export const defaultMaxMessageBytes = 16 * 1024 * 1024;
