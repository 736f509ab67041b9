import { writeFile } from 'node:fs/promises';
import { digestHex } from './digest.js';
import { type BuiltImage, list } from './image.js';
import { type TarEntry, writeTar } from './tar.js';

/** One entry of a Docker archive's `manifest.json`. */
export interface DockerManifestEntry {
  /** Path of the config json inside the archive, `<config hex>.json`. */
  Config: string;
  /** Familiar names, such as `busybox:latest`. */
  RepoTags: string[];
  /** Paths of the uncompressed layer tars, bottom to top, `<diff id hex>/layer.tar`. */
  Layers: string[];
}

/**
 * The `manifest.json` entries of a Docker archive holding `images`. The config file is the same
 * bytes as the OCI config (its digest is the Docker image id), and layers are stored uncompressed
 * as `docker save` stores them, so their paths are named after the diff ids.
 */
export function dockerManifest(images: BuiltImage | readonly BuiltImage[]): DockerManifestEntry[] {
  return list(images).map((image) => ({
    Config: `${digestHex(image.config.digest)}.json`,
    RepoTags: [familiarName(image.name)],
    Layers: image.layers.map((layer) => `${digestHex(layer.diffId)}/layer.tar`),
  }));
}

/**
 * A Docker image archive (`docker save` format): `manifest.json`, `repositories`, the config
 * json of each image and one `<diff id hex>/layer.tar` (with a `VERSION` file) per distinct layer.
 * containerd's import turns it into Docker schema 2 manifests of its own, so the manifest digest
 * differs from the OCI one, while config digest and diff ids stay the same.
 */
export function dockerArchive(images: BuiltImage | readonly BuiltImage[]): Buffer {
  const all = list(images);
  const entries: TarEntry[] = [];
  const seen = new Set<string>();
  const repositories: Record<string, Record<string, string>> = {};
  for (const image of all) {
    const configPath = `${digestHex(image.config.digest)}.json`;
    if (!seen.has(configPath)) {
      seen.add(configPath);
      entries.push({ path: configPath, type: 'file', content: image.config.data });
    }
    for (const layer of image.layers) {
      const dir = digestHex(layer.diffId);
      if (seen.has(dir)) continue;
      seen.add(dir);
      entries.push(
        { path: dir, type: 'directory' },
        { path: `${dir}/VERSION`, type: 'file', content: '1.0' },
        { path: `${dir}/layer.tar`, type: 'file', content: layer.tar },
      );
    }
    const familiar = familiarName(image.name);
    const colon = familiar.lastIndexOf(':');
    const top = image.layers.at(-1);
    if (top && colon > familiar.lastIndexOf('/')) {
      (repositories[familiar.slice(0, colon)] ??= {})[familiar.slice(colon + 1)] = digestHex(top.diffId);
    }
  }
  entries.push(
    { path: 'manifest.json', type: 'file', content: JSON.stringify(dockerManifest(all)) },
    { path: 'repositories', type: 'file', content: JSON.stringify(repositories) },
  );
  return writeTar(entries);
}

/** Writes {@link dockerArchive} of `images` to `path`. */
export async function writeDockerArchive(path: string, images: BuiltImage | readonly BuiltImage[]): Promise<void> {
  await writeFile(path, dockerArchive(images));
}

/** The short name Docker shows: `docker.io/library/busybox:latest` → `busybox:latest`. */
export function familiarName(name: string): string {
  if (name.startsWith('docker.io/library/')) return name.slice('docker.io/library/'.length);
  if (name.startsWith('docker.io/')) return name.slice('docker.io/'.length);
  return name;
}
