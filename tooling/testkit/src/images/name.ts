/**
 * Normalizes an image reference the way `docker pull` and containerd's import do:
 * `busybox` → `docker.io/library/busybox:latest`, `me/app:1` → `docker.io/me/app:1`,
 * `localhost:5000/x` → `localhost:5000/x:latest`. A reference with a digest keeps it.
 */
export function normalizeImageName(name: string): string {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasDomain = first.includes('.') || first.includes(':') || first === 'localhost';
  let full = hasDomain ? name : `docker.io/${slash === -1 ? `library/${name}` : name}`;
  const lastPart = full.slice(full.lastIndexOf('/') + 1);
  if (!full.includes('@') && !lastPart.includes(':')) full = `${full}:latest`;
  return full;
}

/** The tag of a normalized name (`latest` for `docker.io/library/busybox:latest`), or `latest` if it has none. */
export function imageTag(name: string): string {
  const lastPart = name.slice(name.lastIndexOf('/') + 1).split('@')[0] ?? '';
  const colon = lastPart.indexOf(':');
  return colon === -1 ? 'latest' : lastPart.slice(colon + 1);
}
