/**
 * A TypeScript client for containerd's API v1, after containerd's Go client: connect with
 * {@link Client}, import an image archive, create a container from it with options
 * (`withNewSnapshot`, `withNewSpec(withImageConfig(image))`), run a task with its stdio on
 * Node streams, wait for its exit, and clean up. Depends only on `@proj/api` and
 * `@proj/errdefs`; errors are errdefs classes with the daemon's message.
 *
 * @packageDocumentation
 */
export { Client, type ClientOptions, type ClientImportOptions, type VersionInfo, type PluginInfo } from './client.js';
export type { ClientContext } from './context.js';
export type { CallOptions, FifoMaker } from './options.js';
export { hostPlatform } from './options.js';
export type { Services, ServiceClient } from './services.js';
export {
  Container,
  checkpointAnnotations,
  type ContainerHost,
  type OptContext,
  type NewContainerOpt,
  type UpdateContainerOpt,
  type NewTaskOptions,
  type CheckpointOptions,
} from './container.js';
export type { ContainerRecord } from './container-record.js';
export {
  withImage,
  withSnapshotter,
  withRuntime,
  withContainerLabels,
  withContainerExtension,
  withImageStopSignal,
  withNewSnapshot,
  withNewSnapshotView,
  withSnapshot,
  withNewSpec,
  withSpec,
} from './container-opts.js';
export {
  type SpecOpt,
  withImageConfig,
  withProcessArgs,
  withEnv,
  withProcessCwd,
  withHostname,
  withTTY,
  withUser,
  withMounts,
  withAnnotations,
  withMemoryLimit,
  withHostNetwork,
} from './spec-opts.js';
export { defaultUnixSpec, defaultUnixDevices, defaultPathEnv, specVersion, replaceOrAppendEnv } from './spec.js';
export type { Spec, ProcessSpec, SpecMount, LinuxSpec } from './spec-types.js';
export {
  Task,
  Process,
  signalNumber,
  type TaskHost,
  type ExitStatus,
  type ProcessStatus,
  type ProcessState,
  type ProcessInfo,
  type TaskMetrics,
  type KillOptions,
} from './task.js';
export {
  nullIO,
  logFile,
  withStreams,
  terminal,
  attach,
  type IO,
  type IOConfig,
  type IOContext,
  type IOCreator,
  type IOAttach,
  type Streams,
  type StreamOptions,
} from './cio.js';
export { Image, type ImageHost, type UnpackOptions, type UnpackProgress } from './image.js';
export type { ImageRecord, OciIndex, OciManifest, OciImageConfig, ImageRuntimeConfig } from './image-types.js';
export { type ImportOptions, type ImportProgress, normalizeImageName } from './import.js';
export { ContentStore, type ContentInfo, type ContentStatus, type ContentWriteOptions, type ContentWriteResult } from './content.js';
export { SnapshotService, type SnapshotInfo, type SnapshotKind, type SnapshotUsage, type SnapshotOptions } from './snapshots.js';
export { LeaseManager, generateLeaseId, type Lease, type LeaseCreateOptions } from './leases.js';
export { NamespaceStore } from './namespaces.js';
export { type Event, type SubscribeOptions } from './events.js';
export { type Descriptor, mediaTypes } from './descriptor.js';
export type { Mount } from './mount.js';
export { chainId, chainIds, sha256 } from './digest.js';
export { labels, imageNameAnnotation, refNameAnnotation } from './labels.js';
export { readTar, type TarEntry } from './tar.js';
