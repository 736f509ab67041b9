/**
 * Sandbox and container state on disk, for finding running shims again after a daemon restart:
 * one `persist.json` per sandbox and per container, written atomically under an exclusive
 * `flock`, read back with schema-version and shape checks.
 *
 * @packageDocumentation
 */
export { PersistStore, type PersistStoreOptions, type PersistHooks, type ContainerStates } from './store.js';
export {
  type SandboxState,
  type ContainerState,
  type PersistedSandbox,
  type ShimState,
  type MountState,
  type StdioState,
  type JsonValue,
  type SandboxStatus,
  type ContainerStatus,
  sandboxStatuses,
  containerStatuses,
} from './types.js';
export { persistSchemaVersion, readableSchemaVersions, decodeSandbox, decodeContainer, encodeDocument, type DocumentKind } from './document.js';
export { checkSandboxState, checkContainerState, type Fail } from './validate.js';
export { persistFile } from './atomic-file.js';
