// The event messages of api/events, gathered (packages containerd.events and, for images,
// containerd.services.images.v1).
export * from './gen/containerd/events/container_pb.js';
export * from './gen/containerd/events/content_pb.js';
export * from './gen/containerd/events/image_pb.js';
export * from './gen/containerd/events/namespace_pb.js';
export * from './gen/containerd/events/snapshot_pb.js';
export * from './gen/containerd/events/task_pb.js';
