/** Label keys with a meaning to containerd's garbage collector and to clients. */
export const labels = {
  /** RFC3339 expiry of a lease. */
  gcExpire: 'containerd.io/gc.expire',
  /** Keeps any object alive (a GC root). */
  gcRoot: 'containerd.io/gc.root',
  /** Prefix of content references: `containerd.io/gc.ref.content.<suffix>`. */
  gcRefContent: 'containerd.io/gc.ref.content',
  /** Prefix of snapshot references: `containerd.io/gc.ref.snapshot.<snapshotter>`. */
  gcRefSnapshot: 'containerd.io/gc.ref.snapshot',
  /** The uncompressed digest (diff id) of a layer blob. */
  uncompressed: 'containerd.io/uncompressed',
  /** Namespace label naming its default snapshotter. */
  defaultSnapshotter: 'containerd.io/defaults/snapshotter',
  /** Namespace label naming its default runtime. */
  defaultRuntime: 'containerd.io/defaults/runtime',
  /** Container label with the image's stop signal (what `ctr tasks kill` sends). */
  stopSignal: 'io.containerd.image.config.stop-signal',
} as const;

/** Annotation on an index entry naming the image it belongs to. */
export const imageNameAnnotation = 'io.containerd.image.name';
/** OCI annotation with an image's tag or reference name. */
export const refNameAnnotation = 'org.opencontainers.image.ref.name';
