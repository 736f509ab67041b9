/**
 * containerd's snapshotter model for TypeScript: the {@link Snapshotter} interface (its TSDoc
 * is the tutorial), {@link Kind}, {@link Info} and {@link Usage}, containerd's filter syntax for
 * walks, key and label validation, and {@link MetaStore}, the transactional LMDB store of
 * snapshot metadata that implementations share. The conformance suite every snapshotter runs
 * is the subpath `@proj/snapshots/testsuite`.
 *
 * @packageDocumentation
 */
export { Kind, kindWireValue, isKind, parseKind } from './kind.js';
export type { Info, InfoUpdate, WalkFunc } from './info.js';
export { type Usage, addUsage, zeroUsage } from './usage.js';
export { diskUsage } from './disk-usage.js';
export { type SnapshotOptions, SnapshotLabels } from './options.js';
export type { Mount } from './mount-type.js';
export { type Snapshotter, type Cleaner, isCleaner } from './snapshotter.js';
export { validateKey, validateLabels, maxKeyLength, maxLabelSize } from './validate.js';
export { type Adaptor, type Filter, type Operator, type Selector, always, any, all } from './filters/filter.js';
export { parseFilter, parseFilters, parseSelectors } from './filters/parser.js';
export { adaptInfo } from './filters/adapt-info.js';
export { MetaStore, type MetaStoreOptions } from './metastore/metastore.js';
export { Transaction, WriteTransaction } from './metastore/transaction.js';
export type { Snapshot, SnapshotRecord, StoredInfo } from './metastore/record.js';
