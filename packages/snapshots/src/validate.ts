import { InvalidArgumentError } from '@proj/errdefs';

/** The longest key or name a snapshotter accepts, in UTF-8 bytes. */
export const maxKeyLength = 1024;

/** The most bytes a label's key and value may take together (containerd's limit). */
export const maxLabelSize = 4096;

/**
 * Checks a snapshot key or name and throws InvalidArgument when it is unusable: empty, longer
 * than {@link maxKeyLength} bytes, `.` or `..`, or containing `/`, `\` or a NUL or other
 * control character. Keys are never used as paths by our snapshotters; the rule keeps a key
 * safe wherever a tool might print or join it. (A metadata layer that prefixes keys with a
 * namespace must use another separator, for example `ns:seq:key`.)
 */
export function validateKey(key: unknown, what = 'key'): asserts key is string {
  if (typeof key !== 'string' || key === '') {
    throw new InvalidArgumentError(`snapshot ${what} must be a non-empty string, got ${JSON.stringify(key)}`);
  }
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > maxKeyLength) {
    throw new InvalidArgumentError(
      `snapshot ${what} is ${bytes} bytes long; the limit is ${maxKeyLength} bytes: use a shorter ${what} (for example a digest)`,
    );
  }
  if (key === '.' || key === '..') {
    throw new InvalidArgumentError(`snapshot ${what} ${JSON.stringify(key)} is a path component: choose another ${what}`);
  }
  // biome-ignore lint: control characters are what we look for
  const bad = /[/\\\u0000-\u001f\u007f]/.exec(key);
  if (bad) {
    throw new InvalidArgumentError(
      `snapshot ${what} ${JSON.stringify(key)} contains ${JSON.stringify(bad[0])}: path separators and control characters are not allowed`,
    );
  }
}

/**
 * Checks labels and throws InvalidArgument when one is not a string or its key and value
 * together exceed {@link maxLabelSize} bytes, as containerd's `labels.Validate` does.
 */
export function validateLabels(labels: Record<string, string> | undefined): void {
  if (labels === undefined) return;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    throw new InvalidArgumentError('snapshot labels must be an object of string values');
  }
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(`label ${JSON.stringify(key)} must have a string value, got ${typeof value}`);
    }
    if (key === '') throw new InvalidArgumentError('label key must not be empty');
    const size = Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
    if (size > maxLabelSize) {
      throw new InvalidArgumentError(
        `label key and value greater than maximum size (${maxLabelSize} bytes), key: ${key.slice(0, 64)}`,
      );
    }
  }
}
