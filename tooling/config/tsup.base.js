// The one tsup configuration every package builds with: ESM only, Node 20, declarations with
// maps, a clean dist so removed sources never linger (turbo replays dist/** from its cache).
/** @param {Partial<import('tsup').Options>} [overrides] */
export function packageConfig(overrides = {}) {
  return {
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: false,
    treeshake: true,
    tsconfig: 'tsconfig.json',
    ...overrides,
  };
}
