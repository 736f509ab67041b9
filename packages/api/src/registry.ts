import { createRegistry, type Registry } from '@bufbuild/protobuf';
import { allFiles } from './gen/files.js';

/**
 * Every message, enum and service of @proj/api (and the well-known types they use), by full
 * name: resolve an `Any`'s type (`apiRegistry.getMessage('containerd.events.TaskExit')`) or
 * walk all message types.
 */
export const apiRegistry: Registry = createRegistry(...allFiles);

/** The generated file descriptors (one per .proto file of the package). */
export { allFiles };
