// containerd.types, gathered from its four files.
export * from './gen/containerd/types/mount_pb.js';
export * from './gen/containerd/types/descriptor_pb.js';
export * from './gen/containerd/types/platform_pb.js';
export * from './gen/containerd/types/metrics_pb.js';
