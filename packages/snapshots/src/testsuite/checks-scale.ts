// Checks of long chains and many snapshots.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isFailedPrecondition } from '@proj/errdefs';
import { rejection, walkNames } from './checks-api.js';
import { apply, checkDirectoryEqual, createDir, createFile, removeAll } from './fstest.js';
import { type Check, gcRootOpt as opt, withMounted } from './harness.js';

export const scaleChecks: Check[] = [
  {
    title: '128LayersMount',
    mounts: true,
    async run({ t, snapshotter: sn, work }) {
      const layers = [
        [
          createFile('bottom', 'way at the bottom\n', 0o777),
          createFile('overwriteme', 'FIRST!\n', 0o777),
          createDir('addhere', 0o755),
          createDir('onlyme', 0o755),
          createFile('onlyme/bottom', 'bye!\n', 0o777),
        ],
      ];
      for (let i = 1; i <= 127; i++) {
        layers.push([
          createFile('overwriteme', `${i} WAS HERE!\n`, 0o777),
          createFile(`addhere/file-${i}`, 'same\n', 0o755),
          removeAll('onlyme'),
          createDir('onlyme', 0o755),
          createFile(`onlyme/file-${i}`, 'only me!\n', 0o777),
        ]);
      }
      const flat = join(work, 'flat');
      await mkdir(flat);
      let parent = '';
      for (const [i, ops] of layers.entries()) {
        const key = `prepare-layer-${i}`;
        const mounts = await sn.prepare(key, parent, opt);
        const target = join(work, key);
        await withMounted(mounts, target, async () => {
          // Every layer, before and after the change, as containerd's check does.
          await checkDirectoryEqual(flat, target);
          await apply(flat, ops);
          await apply(target, ops);
          await checkDirectoryEqual(flat, target);
        });
        parent = `committed-${i}`;
        await sn.commit(parent, key, opt);
      }
      const view = join(work, 'fullview');
      await withMounted(await sn.view('fullview', parent, opt), view, () => checkDirectoryEqual(flat, view));
      t.pass();
    },
  },
  {
    title: 'DeepChain',
    mounts: true,
    async run({ t, snapshotter: sn, work, options }) {
      const depth = options.deepChainLayers;
      const target = join(work, 'mnt');
      await mkdir(target);
      // Mounting every layer of a long chain is quadratic; write through the mounts of the
      // first and last layers and every 50th, and stack empty layers in between.
      const written: number[] = [];
      let parent = '';
      for (let i = 0; i < depth; i++) {
        const key = `deep-${i}-a`;
        const mounts = await sn.prepare(key, parent, opt);
        if (i < 3 || i % 50 === 0 || i >= depth - 3) {
          const previous = written.at(-1);
          await withMounted(mounts, target, async () => {
            await writeFile(join(target, `layer-${i}`), `${i}\n`);
            await writeFile(join(target, 'top'), `${i}\n`);
            if (previous !== undefined) await writeFile(join(target, `layer-${previous}`), `${previous} seen by ${i}\n`);
          });
          written.push(i);
        }
        parent = `deep-${i}`;
        await sn.commit(parent, key, opt);
      }
      t.is((await sn.stat(parent)).parent, `deep-${depth - 2}`);
      const check = async (mounts: Awaited<ReturnType<typeof sn.view>>) =>
        withMounted(mounts, target, async () => {
          const names = await readdir(target);
          t.is(names.length, written.length + 1, "every written layer's file and 'top' are visible");
          t.is(await readFile(join(target, 'top'), 'utf8'), `${depth - 1}\n`, 'the top layer wins');
          t.is(await readFile(join(target, 'layer-0'), 'utf8'), `0 seen by ${written[1]}\n`, 'the bottom layer is visible');
          t.is(await readFile(join(target, `layer-${depth - 1}`), 'utf8'), `${depth - 1}\n`);
        });
      await check(await sn.view('deep-view', parent, opt));
      const active = await sn.prepare('deep-active', parent, opt);
      await check(active);
      t.deepEqual(await sn.mounts('deep-active'), active, 'mounts() returns what prepare returned');
      await sn.remove('deep-active');
      await sn.remove('deep-view');
      for (let i = depth - 1; i >= 0; i--) await sn.remove(`deep-${i}`);
      t.deepEqual(await walkNames(sn), []);
    },
  },
  {
    title: 'DeepChainMetadata',
    mounts: false,
    async run({ t, snapshotter: sn, options }) {
      // The part of DeepChain a snapshotter whose mounts cannot be mounted here can still run:
      // a chain as deep, its parents, stable mounts, and removal from the top down.
      const depth = options.deepChainLayers;
      let parent = '';
      for (let i = 0; i < depth; i++) {
        await sn.prepare(`meta-${i}-a`, parent, opt);
        await sn.commit(`meta-${i}`, `meta-${i}-a`, opt);
        parent = `meta-${i}`;
      }
      for (const i of [0, 1, Math.floor(depth / 2), depth - 1]) {
        t.is((await sn.stat(`meta-${i}`)).parent, i === 0 ? undefined : `meta-${i - 1}`, `parent of meta-${i}`);
      }
      const active = await sn.prepare('meta-active', parent, opt);
      const view = await sn.view('meta-view', parent, opt);
      t.true(active.length > 0 && view.length > 0);
      t.deepEqual(await sn.mounts('meta-active'), active, 'mounts() returns what prepare returned');
      t.deepEqual(await sn.mounts('meta-view'), view, 'mounts() returns what view returned');
      t.true(isFailedPrecondition(await rejection(t, sn.remove(`meta-${depth - 1}`), 'removal of the top layer under an active')));
      await sn.remove('meta-active');
      await sn.remove('meta-view');
      for (let i = depth - 1; i >= 0; i--) await sn.remove(`meta-${i}`);
      t.deepEqual(await walkNames(sn), []);
    },
  },
  {
    title: 'ManySnapshots',
    mounts: false,
    async run({ t, snapshotter: sn, options }) {
      const count = options.manySnapshots;
      await sn.prepare('many-base-a', '', opt);
      await sn.commit('many-base', 'many-base-a', opt);
      const keys = Array.from({ length: count }, (_, i) => `many-${i}`);
      await Promise.all(keys.map((k, i) => (i % 3 === 2 ? sn.view(k, 'many-base', opt) : sn.prepare(k, 'many-base', opt))));
      t.is((await walkNames(sn, 'parent==many-base')).length, count);
      const half = keys.filter((_, i) => i % 3 === 0);
      await Promise.all(half.map((k) => sn.commit(`${k}-c`, k, opt)));
      t.is((await walkNames(sn, 'kind==committed')).length, half.length + 1);
      const infos = await Promise.all(keys.map((k, i) => sn.stat(i % 3 === 0 ? `${k}-c` : k)));
      t.is(new Set(infos.map((i) => i.name)).size, count);
      await Promise.all(keys.map((k, i) => sn.remove(i % 3 === 0 ? `${k}-c` : k)));
      t.deepEqual(await walkNames(sn), ['many-base']);
    },
  },
];
