// Declarative filesystem fixtures, in the manner of containerd's continuity/fstest: a list of
// operations applied to a directory, and a comparison of two trees.
import { createHash } from 'node:crypto';
import { chmod, link, lchown, lstat, mkdir, readFile, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One step that changes a directory tree (paths are relative to the tree's root). */
export type FsOp = (root: string) => Promise<void>;

/** Writes a file with exactly `mode` (the umask does not apply). */
export const createFile =
  (path: string, content: string | Uint8Array, mode: number): FsOp =>
  async (root) => {
    const target = join(root, path);
    await writeFile(target, content, { mode });
    await chmod(target, mode);
  };

/** Makes a directory with exactly `mode`. */
export const createDir =
  (path: string, mode: number): FsOp =>
  async (root) => {
    const target = join(root, path);
    await mkdir(target, { mode });
    await chmod(target, mode);
  };

/** Removes a path and everything below it (no error if it does not exist). */
export const removeAll =
  (path: string): FsOp =>
  (root) =>
    rm(join(root, path), { recursive: true, force: true });

/** Changes the owner of a path (not following symlinks). */
export const chown =
  (path: string, uid: number, gid: number): FsOp =>
  (root) =>
    lchown(join(root, path), uid, gid);

/** Makes `newPath` a hard link to `oldPath`. */
export const hardlink =
  (oldPath: string, newPath: string): FsOp =>
  (root) =>
    link(join(root, oldPath), join(root, newPath));

/** Makes `newPath` a symbolic link whose target is `target` (verbatim). */
export const symlinkTo =
  (target: string, newPath: string): FsOp =>
  (root) =>
    symlink(target, join(root, newPath));

/** Renames `oldPath` to `newPath`. */
export const renamePath =
  (oldPath: string, newPath: string): FsOp =>
  (root) =>
    rename(join(root, oldPath), join(root, newPath));

/** Applies the operations in order. */
export async function apply(root: string, ops: readonly FsOp[]): Promise<void> {
  for (const op of ops) await op(root);
}

interface Entry {
  type: string;
  mode: string;
  uid: number;
  gid: number;
  detail: string;
}

/**
 * Lists a tree as relative path → type, permissions, owner and content digest or link target.
 * A file hard-linked within the tree also lists its other paths (continuity's manifests group
 * hard links the same way), so a link that a layer breaks or adds is a difference.
 */
export async function describeTree(root: string): Promise<Map<string, Entry>> {
  const out = new Map<string, Entry>();
  const inodes = new Map<string, string[]>();
  const walk = async (rel: string) => {
    const names = await readdir(join(root, rel));
    for (const name of names.sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const full = join(root, path);
      const st = await lstat(full);
      let type = 'other';
      let detail = '';
      if (st.isDirectory()) type = 'dir';
      else if (st.isFile()) {
        type = 'file';
        detail = `${st.size}:${createHash('sha256').update(await readFile(full)).digest('hex').slice(0, 16)}`;
      } else if (st.isSymbolicLink()) {
        type = 'symlink';
        detail = await readlink(full);
      } else if (st.isCharacterDevice()) {
        type = 'chardev';
        detail = String(st.rdev);
      }
      out.set(path, { type, mode: (st.mode & 0o7777).toString(8), uid: st.uid, gid: st.gid, detail });
      if (type === 'dir') await walk(path);
      else if (st.nlink > 1) {
        const inode = `${st.dev}:${st.ino}`;
        inodes.set(inode, [...(inodes.get(inode) ?? []), path]);
      }
    }
  };
  await walk('');
  for (const paths of inodes.values()) {
    if (paths.length < 2) continue;
    for (const path of paths) {
      const entry = out.get(path) as Entry;
      entry.detail += ` linked:${paths.filter((p) => p !== path).join(',')}`;
    }
  }
  return out;
}

/**
 * Throws if the trees under `expected` and `actual` differ in any path, type, permission bits,
 * owner, file content or symlink target (their roots themselves are not compared).
 */
export async function checkDirectoryEqual(expected: string, actual: string): Promise<void> {
  const [a, b] = await Promise.all([describeTree(expected), describeTree(actual)]);
  const problems: string[] = [];
  for (const [path, e] of a) {
    const f = b.get(path);
    if (!f) problems.push(`missing ${path} (${e.type})`);
    else if (JSON.stringify(e) !== JSON.stringify(f)) problems.push(`${path}: expected ${JSON.stringify(e)}, got ${JSON.stringify(f)}`);
  }
  for (const [path, f] of b) if (!a.has(path)) problems.push(`unexpected ${path} (${f.type})`);
  if (problems.length > 0) {
    throw new Error(`directory ${actual} differs from ${expected}:\n  ${problems.slice(0, 20).join('\n  ')}`);
  }
}

/** A printable listing of a tree, for test logs on failure. */
export async function dumpTree(root: string): Promise<string> {
  try {
    const tree = await describeTree(root);
    return [...tree].map(([p, e]) => `${e.type.padEnd(7)} ${e.mode.padStart(4)} ${e.uid}:${e.gid} ${p} ${e.detail}`).join('\n');
  } catch (err) {
    return `(cannot list ${root}: ${(err as Error).message})`;
  }
}
