import type { Options } from 'tsup';
/** The shared tsup options; pass overrides such as extra entry points. */
export function packageConfig(overrides?: Partial<Options>): Options;
