import { NotImplementedError } from '@proj/errdefs';
import type { Platform } from './platform.js';

function unsupported(name: string): () => Promise<never> {
  return async () => {
    throw new NotImplementedError(`${name} is not supported on ${process.platform}: @proj/mount needs Linux`);
  };
}

/** Every operation rejects with NotImplemented, as containerd's mount_unsupported.go does. */
export const unsupportedPlatform: Platform = {
  mount: unsupported('mount'),
  mountAll: unsupported('mountAll'),
  unmount: unsupported('unmount'),
  unmountAll: unsupported('unmountAll'),
  unmountRecursive: unsupported('unmountRecursive'),
  readMountInfo: unsupported('readMountInfo'),
  mountsUnder: unsupported('mountsUnder'),
  lookup: unsupported('lookup'),
  flock: unsupported('flock'),
  mkfifo: unsupported('mkfifo'),
};
