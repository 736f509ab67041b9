import { DataLossError, FailedPreconditionError } from '@proj/errdefs';
import { checkContainerState, checkSandboxState, type Fail } from './validate.js';
import type { ContainerState, SandboxState } from './types.js';

/**
 * The schema version this package writes, and the newest it reads. Every `persist.json` is a
 * document `{"schemaVersion": 1, "kind": "sandbox" | "container", "state": {...}}`.
 */
export const persistSchemaVersion = 1;

/** The schema versions this package can read. */
export const readableSchemaVersions: readonly number[] = [1];

/** The kinds of document, one per `persist.json`. */
export type DocumentKind = 'sandbox' | 'container';

/** The bytes of a `persist.json` holding `state` (already checked). */
export function encodeDocument(kind: DocumentKind, state: SandboxState | ContainerState): string {
  return `${JSON.stringify({ schemaVersion: persistSchemaVersion, kind, state }, null, 2)}\n`;
}

/** The fail function for what is read back from `file`: DataLoss naming the file and the field. */
export function readFail(file: string): Fail {
  return (path, problem) => {
    throw new DataLossError(
      `${file} is damaged: ${path}: ${problem}; remove the file (or its sandbox with destroy()) if the state cannot be restored`,
    );
  };
}

function parse(file: string, text: string, kind: DocumentKind): unknown {
  if (text.length === 0) {
    throw new DataLossError(`${file} is empty (truncated?); it holds no ${kind} state`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new DataLossError(
      `${file} is not valid JSON (truncated or corrupted: ${(err as Error).message}); remove it if the ${kind} state cannot be restored`,
      { cause: err },
    );
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new DataLossError(`${file} does not hold a persist document: expected a JSON object`);
  }
  const { schemaVersion, kind: actualKind, state, ...rest } = document as Record<string, unknown>;
  checkVersion(file, schemaVersion);
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new DataLossError(`${file} has unknown top-level fields: ${extra.join(', ')}`);
  if (actualKind !== kind) {
    throw new DataLossError(`${file} holds a ${JSON.stringify(actualKind)} document where a "${kind}" one belongs`);
  }
  return state;
}

function checkVersion(file: string, version: unknown): void {
  if (typeof version === 'number' && Number.isSafeInteger(version) && readableSchemaVersions.includes(version)) return;
  if (typeof version === 'number' && Number.isSafeInteger(version) && version > persistSchemaVersion) {
    throw new FailedPreconditionError(
      `${file} has schema version ${version}, newer than version ${persistSchemaVersion} that this @proj/persist-fs reads; it was written by a newer release: upgrade, or remove the state`,
    );
  }
  throw new FailedPreconditionError(
    `${file} has an unknown schema version ${version === undefined ? '(none)' : JSON.stringify(version)}; this @proj/persist-fs reads versions ${readableSchemaVersions.join(', ')}`,
  );
}

/** Parses and checks the sandbox document read from `file`. @throws DataLossError, FailedPreconditionError */
export function decodeSandbox(file: string, text: string): SandboxState {
  return checkSandboxState(parse(file, text, 'sandbox'), readFail(file), 'state');
}

/** Parses and checks the container document read from `file`. @throws DataLossError, FailedPreconditionError */
export function decodeContainer(file: string, text: string): ContainerState {
  return checkContainerState(parse(file, text, 'container'), readFail(file), 'state');
}
