import { join } from 'node:path';
import { NotImplementedError } from '@proj/errdefs';
import type { ScratchCreator } from './creator.js';
import { ext4VhdxScratchCreator } from './ext4-vhdx.js';
import { runhcsScratchCreator } from './runhcs.js';

/**
 * The scratch creator for this platform: runhcs on Windows (logging to
 * `<root>/runhcs-scratch.log`), mkfs.ext4 plus our VHDX writer on Linux, and on anything else
 * a creator that rejects with NotImplemented.
 */
export function defaultScratchCreator(root: string, platform: NodeJS.Platform = process.platform): ScratchCreator {
  if (platform === 'win32') return runhcsScratchCreator({ logPath: join(root, 'runhcs-scratch.log') });
  if (platform === 'linux') return ext4VhdxScratchCreator();
  return {
    name: 'unsupported',
    create: () => Promise.reject(new NotImplementedError(`no scratch creator for platform ${platform}: pass one in the options`)),
  };
}
