/**
 * The workspace's private test kit: helpers every package's tests share.
 * @packageDocumentation
 */
export { rootTest, isRoot, rootTestsRequired } from './root-gate.js';
export { tempRoot } from './temp-root.js';
export { mountsUnder } from './mountinfo.js';
export * from './images/index.js';
export * from './containerd/index.js';
export {
  readReadmeExample,
  runReadmeExample,
  runReadmeExampleInTempRoot,
  type ReadmeExample,
  type RunReadmeOptions,
  type TempRootReadmeOptions,
} from './readme.js';
