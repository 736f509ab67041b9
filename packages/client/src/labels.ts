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

// containerd's IsKnownConfig and IsLayerType (images/mediatypes.go).
const configTypes = new Set([
  'application/vnd.docker.container.image.v1+json',
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.containerd.container.criu.checkpoint.criu.tar',
  'application/vnd.containerd.container.checkpoint.config.v1+proto',
]);
const manifestTypes = new Set(['application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json']);
const dockerLayerTypes = new Set([
  'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
]);

function childLabelKey(mediaType: string): string {
  if (configTypes.has(mediaType)) return `${labels.gcRefContent}.config`;
  if (manifestTypes.has(mediaType)) return `${labels.gcRefContent}.m.`;
  if (mediaType.startsWith('application/vnd.oci.image.layer.') || dockerLayerTypes.has(mediaType.split('+')[0]!)) return `${labels.gcRefContent}.l.`;
  return `${labels.gcRefContent}.`;
}

/**
 * The garbage collection labels a blob gets for its children, as containerd's
 * `SetChildrenLabels` sets them: `containerd.io/gc.ref.content.config` for a config,
 * `.m.<n>` for manifests, `.l.<n>` for layers, `.<n>` for anything else, numbered per kind.
 */
export function childGcLabels(children: readonly { mediaType: string; digest: string }[]): Record<string, string> {
  const counts = new Map<string, number>();
  const out: Record<string, string> = {};
  for (const child of children) {
    const key = childLabelKey(child.mediaType);
    const n = counts.get(key) ?? 0;
    counts.set(key, n + 1);
    out[n > 0 || key.endsWith('.') ? `${key}${n}` : key] = child.digest;
  }
  return out;
}
