import {
  containersV1,
  contentV1,
  diffV1,
  eventsV1,
  type GrpcClient,
  type GrpcConnection,
  imagesV1,
  introspectionV1,
  leasesV1,
  namespacesV1,
  snapshotsV1,
  tasksV1,
  versionV1,
} from '@proj/api';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';

/** The typed client of a generated service. */
export type ServiceClient<T> = T extends GenService<infer S extends GenServiceMethods> ? GrpcClient<S> : never;

/** The typed gRPC clients of every containerd API v1 service, over one connection. */
export interface Services {
  containers: ServiceClient<typeof containersV1.Containers>;
  content: ServiceClient<typeof contentV1.Content>;
  diff: ServiceClient<typeof diffV1.Diff>;
  events: ServiceClient<typeof eventsV1.Events>;
  images: ServiceClient<typeof imagesV1.Images>;
  introspection: ServiceClient<typeof introspectionV1.Introspection>;
  leases: ServiceClient<typeof leasesV1.Leases>;
  namespaces: ServiceClient<typeof namespacesV1.Namespaces>;
  snapshots: ServiceClient<typeof snapshotsV1.Snapshots>;
  tasks: ServiceClient<typeof tasksV1.Tasks>;
  version: ServiceClient<typeof versionV1.Version>;
}

/** Builds the {@link Services} of a connection. */
export function createServices(connection: GrpcConnection): Services {
  return {
    containers: connection.client(containersV1.Containers),
    content: connection.client(contentV1.Content),
    diff: connection.client(diffV1.Diff),
    events: connection.client(eventsV1.Events),
    images: connection.client(imagesV1.Images),
    introspection: connection.client(introspectionV1.Introspection),
    leases: connection.client(leasesV1.Leases),
    namespaces: connection.client(namespacesV1.Namespaces),
    snapshots: connection.client(snapshotsV1.Snapshots),
    tasks: connection.client(tasksV1.Tasks),
    version: connection.client(versionV1.Version),
  };
}
