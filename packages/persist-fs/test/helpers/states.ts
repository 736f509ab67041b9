import type { ContainerState, SandboxState } from '@proj/persist-fs';

/** A sandbox state with every optional field set. */
export function sandboxState(id = 'sb1', tag = 'a'): SandboxState {
  return {
    id,
    namespace: 'default',
    status: 'running',
    createdAt: '2026-11-23T11:00:00.000Z',
    runtime: 'io.containerd.runc.v2',
    bundle: `/run/proj/io.containerd.runtime.v2.task/default/${id}`,
    shim: { address: 'unix:///run/containerd/s/0123abcd', binaryPath: '/usr/bin/containerd-shim-runc-v2', pid: 4242 },
    labels: { tag, 'io.proj/owner': 'tests' },
    extensions: { tag, nested: { list: [1, 'two', null, true, { x: 1.5 }] } },
  };
}

/** A container state; `full` sets every optional field. */
export function containerState(id: string, tag = 'a', full = true): ContainerState {
  const state: ContainerState = {
    id,
    status: 'running',
    bundle: `/run/proj/io.containerd.runtime.v2.task/default/${id}`,
    rootfs: [{ type: 'overlay', source: 'overlay', options: ['lowerdir=/l1:/l2', 'upperdir=/u', 'workdir=/w'] }],
    annotations: { tag },
  };
  if (full) {
    state.rootfs.push({ type: 'bind', source: '/src', target: '/data', options: ['rbind', 'ro'] });
    state.pid = 1234;
    state.exitStatus = 0;
    state.exitedAt = '2026-11-23T11:05:00Z';
    state.stdio = { stdin: '', stdout: '/run/fifo/out', stderr: '/run/fifo/err', terminal: false };
    state.extensions = { tag };
  }
  return state;
}
