/**
 * containerd's identifier rules: the grammar of namespaces, container, task and exec ids.
 * @packageDocumentation
 */
export { identifierPattern, maxIdentifierLength, validateIdentifier } from './identifiers.js';
