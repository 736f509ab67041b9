import { busyboxImage, type BusyboxImageOptions } from './busybox.js';
import type { BuiltImage, LayerSpec } from './image.js';
import { opaqueWhiteout, whiteout } from './whiteout.js';

/**
 * The layers {@link deletionsImage} stacks on busybox, so every whiteout case occurs:
 * 1. adds `/data` with `keep.txt`, `gone.txt`, `olddir/inner.txt`, `opaque/{a,b}.txt`;
 * 2. deletes `gone.txt` and the whole `olddir` (`.wh.<name>`), makes `opaque/` opaque
 *    (`.wh..wh..opq`) with a new `new.txt`, adds `added.txt`;
 * 3. deletes `added.txt` again, re-creates `gone.txt` with new content, replaces `keep.txt`.
 */
export function deletionLayers(): LayerSpec[] {
  return [
    {
      createdBy: 'testkit: add /data',
      entries: [
        { path: 'data', type: 'directory' },
        { path: 'data/keep.txt', type: 'file', content: 'keep v1\n' },
        { path: 'data/gone.txt', type: 'file', content: 'gone\n' },
        { path: 'data/olddir', type: 'directory' },
        { path: 'data/olddir/inner.txt', type: 'file', content: 'inner\n' },
        { path: 'data/opaque', type: 'directory' },
        { path: 'data/opaque/a.txt', type: 'file', content: 'a\n' },
        { path: 'data/opaque/b.txt', type: 'file', content: 'b\n' },
      ],
    },
    {
      createdBy: 'testkit: delete gone.txt and olddir, make opaque/ opaque',
      entries: [
        { path: 'data', type: 'directory' },
        whiteout('data/gone.txt'),
        whiteout('data/olddir'),
        { path: 'data/opaque', type: 'directory' },
        opaqueWhiteout('data/opaque'),
        { path: 'data/opaque/new.txt', type: 'file', content: 'new\n' },
        { path: 'data/added.txt', type: 'file', content: 'added\n' },
      ],
    },
    {
      createdBy: 'testkit: delete added.txt, re-create gone.txt, replace keep.txt',
      entries: [
        { path: 'data', type: 'directory' },
        whiteout('data/added.txt'),
        { path: 'data/gone.txt', type: 'file', content: 'back\n' },
        { path: 'data/keep.txt', type: 'file', content: 'keep v2\n' },
      ],
    },
  ];
}

/** What a container of {@link deletionsImage} sees: directory listings (sorted) and file contents. */
export const DELETIONS_EXPECTED = {
  listings: { '/data': ['gone.txt', 'keep.txt', 'opaque'], '/data/opaque': ['new.txt'] },
  files: { '/data/gone.txt': 'back\n', '/data/keep.txt': 'keep v2\n', '/data/opaque/new.txt': 'new\n' },
} as const;

/** A four-layer busybox image whose upper layers delete files and directories (see {@link deletionLayers}). */
export function deletionsImage(options: BusyboxImageOptions): BuiltImage {
  return busyboxImage({ ...options, extraLayers: [...deletionLayers(), ...(options.extraLayers ?? [])] });
}
