import { setTimeout as sleep } from 'node:timers/promises';
import { ext4VhdxScratchCreator, type ScratchCreator } from '@proj/snapshots-lcow';

/** A real (small) scratch creator that counts its calls and can be slowed down or made to fail. */
export function countingCreator(options: { delayMs?: number; failTimes?: number; sizeBytes?: number } = {}) {
  const real = ext4VhdxScratchCreator({ sizeBytes: options.sizeBytes ?? 64 * 1024 * 1024 });
  let failures = options.failTimes ?? 0;
  const state = { calls: 0 };
  const creator: ScratchCreator = {
    name: 'counting',
    async create(destination) {
      state.calls++;
      if (options.delayMs) await sleep(options.delayMs);
      if (failures > 0) {
        failures--;
        throw new Error('injected failure');
      }
      await real.create(destination);
    },
  };
  return { creator, state };
}
