import { InvalidArgumentError } from '@proj/errdefs';

/** The longest identifier containerd accepts (`identifiers.maxLength`). */
export const maxIdentifierLength = 76;

/** containerd's identifier grammar: alphanumerics separated by single `.`, `_` or `-`. */
export const identifierPattern = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;

/**
 * Checks `value` against containerd's identifier rules (the rules for namespaces, container,
 * task and snapshot ids): not empty, at most 76 characters, alphanumerics separated by single
 * `.`, `_` or `-`. Returns nothing when valid.
 *
 * @param value - the identifier to check
 * @param what - what the identifier names, for the message (`"task id"`, `"namespace"`)
 * @throws InvalidArgumentError naming the identifier and the rule it breaks
 */
export function validateIdentifier(value: unknown, what = 'identifier'): asserts value is string {
  if (typeof value !== 'string') {
    throw new InvalidArgumentError(`invalid ${what} ${describe(value)}: must be a string`);
  }
  if (value.length === 0) {
    throw new InvalidArgumentError(`invalid ${what} "": must not be empty`);
  }
  if (value.length > maxIdentifierLength) {
    throw new InvalidArgumentError(
      `invalid ${what} ${JSON.stringify(value)}: ${value.length} characters, longer than the maximum of ${maxIdentifierLength}`,
    );
  }
  if (!identifierPattern.test(value)) {
    throw new InvalidArgumentError(
      `invalid ${what} ${JSON.stringify(value)}: must be alphanumerics separated by single ".", "_" or "-" (${identifierPattern.source})`,
    );
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  return `${JSON.stringify(value) ?? String(value)} (${typeof value})`;
}
