export { containerdConfig, type ContainerdPaths } from './config.js';
export { probeContainerd } from './probe.js';
export { unmountUnder, shimPidsOf } from './cleanup.js';
export { defaultContainerdBinary, startContainerd, type StartContainerdOptions, type ContainerdDaemon } from './daemon.js';
export { useContainerd } from './use.js';
