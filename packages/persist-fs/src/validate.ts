import { identifierPattern, maxIdentifierLength } from '@proj/identifiers';
import {
  type ContainerState,
  type JsonValue,
  type MountState,
  type SandboxState,
  type ShimState,
  type StdioState,
  containerStatuses,
  sandboxStatuses,
} from './types.js';

/** Reports a problem at a path inside the value (`sandbox.shim.address`); never returns. */
export type Fail = (path: string, problem: string) => never;

type Obj = Record<string, unknown>;

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40) ?? ''}`.trim();

function object(value: unknown, path: string, fail: Fail, allowed?: readonly string[]): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(path, `expected an object, got ${value === undefined ? 'nothing' : describe(value)}`);
  }
  const obj = value as Obj;
  if (allowed) {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) fail(`${path}.${key}`, `unknown field (expected one of ${allowed.join(', ')})`);
    }
  }
  return obj;
}

/** Sets an own property, even one named `__proto__`, without touching the prototype. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function string(obj: Obj, key: string, path: string, fail: Fail): string {
  const value = obj[key];
  if (typeof value !== 'string') fail(`${path}.${key}`, `expected a string, got ${value === undefined ? 'nothing' : describe(value)}`);
  return value as string;
}

function identifier(obj: Obj, key: string, path: string, fail: Fail): string {
  const value = string(obj, key, path, fail);
  if (value.length === 0 || value.length > maxIdentifierLength || !identifierPattern.test(value)) {
    fail(`${path}.${key}`, `${JSON.stringify(value)} is not a valid identifier (${identifierPattern.source}, at most ${maxIdentifierLength} characters)`);
  }
  return value;
}

function timestamp(obj: Obj, key: string, path: string, fail: Fail): string {
  const value = string(obj, key, path, fail);
  if (Number.isNaN(Date.parse(value))) fail(`${path}.${key}`, `${JSON.stringify(value)} is not an ISO 8601 timestamp`);
  return value;
}

function integer(obj: Obj, key: string, path: string, fail: Fail, min: number): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(`${path}.${key}`, `expected an integer >= ${min}, got ${value === undefined ? 'nothing' : describe(value)}`);
  }
  return value as number;
}

function boolean(obj: Obj, key: string, path: string, fail: Fail): boolean {
  const value = obj[key];
  if (typeof value !== 'boolean') fail(`${path}.${key}`, `expected true or false, got ${value === undefined ? 'nothing' : describe(value)}`);
  return value as boolean;
}

function oneOf<T extends string>(obj: Obj, key: string, path: string, fail: Fail, values: readonly T[]): T {
  const value = obj[key];
  if (!values.includes(value as T)) {
    fail(`${path}.${key}`, `expected one of ${values.join(', ')}, got ${value === undefined ? 'nothing' : describe(value)}`);
  }
  return value as T;
}

function stringArray(obj: Obj, key: string, path: string, fail: Fail): string[] {
  const value = obj[key];
  if (!Array.isArray(value)) fail(`${path}.${key}`, `expected an array of strings, got ${value === undefined ? 'nothing' : describe(value)}`);
  return (value as unknown[]).map((item, index) => {
    if (typeof item !== 'string') fail(`${path}.${key}[${index}]`, `expected a string, got ${describe(item)}`);
    return item as string;
  });
}

function stringRecord(obj: Obj, key: string, path: string, fail: Fail): Record<string, string> {
  const record = object(obj[key], `${path}.${key}`, fail);
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) {
    if (typeof value !== 'string') fail(`${path}.${key}.${name}`, `expected a string, got ${describe(value)}`);
    setOwn(result, name, value as string);
  }
  return result;
}

function json(value: unknown, path: string, fail: Fail, depth = 0): JsonValue {
  if (depth > 64) fail(path, 'nested deeper than 64 levels');
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(path, `${value} cannot be stored as JSON`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, index) => json(item, `${path}[${index}]`, fail, depth + 1));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const result: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(value as Obj)) {
      if (item !== undefined) setOwn(result, key, json(item, `${path}.${key}`, fail, depth + 1));
    }
    return result;
  }
  return fail(path, `${describe(value)} cannot be stored as JSON`);
}

function extensions(obj: Obj, path: string, fail: Fail): Record<string, JsonValue> {
  const value = json(obj.extensions, `${path}.extensions`, fail);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(`${path}.extensions`, `expected an object, got ${describe(value)}`);
  }
  return value as Record<string, JsonValue>;
}

const has = (obj: Obj, key: string): boolean => obj[key] !== undefined;

const shimFields = ['address', 'binaryPath', 'pid'] as const;
function shim(value: unknown, path: string, fail: Fail): ShimState {
  const obj = object(value, path, fail, shimFields);
  const result: ShimState = { address: string(obj, 'address', path, fail), binaryPath: string(obj, 'binaryPath', path, fail) };
  if (has(obj, 'pid')) result.pid = integer(obj, 'pid', path, fail, 1);
  return result;
}

const mountFields = ['type', 'source', 'target', 'options'] as const;
function mount(value: unknown, path: string, fail: Fail): MountState {
  const obj = object(value, path, fail, mountFields);
  const result: MountState = { type: string(obj, 'type', path, fail), source: string(obj, 'source', path, fail), options: [] };
  if (has(obj, 'target')) result.target = string(obj, 'target', path, fail);
  result.options = stringArray(obj, 'options', path, fail);
  return result;
}

const stdioFields = ['stdin', 'stdout', 'stderr', 'terminal'] as const;
function stdio(value: unknown, path: string, fail: Fail): StdioState {
  const obj = object(value, path, fail, stdioFields);
  return {
    stdin: string(obj, 'stdin', path, fail),
    stdout: string(obj, 'stdout', path, fail),
    stderr: string(obj, 'stderr', path, fail),
    terminal: boolean(obj, 'terminal', path, fail),
  };
}

const sandboxFields = ['id', 'namespace', 'status', 'createdAt', 'runtime', 'bundle', 'shim', 'labels', 'extensions'] as const;

/**
 * Checks that `value` is a {@link SandboxState} and returns a clean copy of it (fields in a
 * fixed order, `undefined` optional fields dropped). Unknown fields are refused.
 */
export function checkSandboxState(value: unknown, fail: Fail, path = 'sandbox'): SandboxState {
  const obj = object(value, path, fail, sandboxFields);
  const result: SandboxState = {
    id: identifier(obj, 'id', path, fail),
    namespace: identifier(obj, 'namespace', path, fail),
    status: oneOf(obj, 'status', path, fail, sandboxStatuses),
    createdAt: timestamp(obj, 'createdAt', path, fail),
    labels: {},
  };
  if (has(obj, 'runtime')) result.runtime = string(obj, 'runtime', path, fail);
  if (has(obj, 'bundle')) result.bundle = string(obj, 'bundle', path, fail);
  if (has(obj, 'shim')) result.shim = shim(obj.shim, `${path}.shim`, fail);
  result.labels = stringRecord(obj, 'labels', path, fail);
  if (has(obj, 'extensions')) result.extensions = extensions(obj, path, fail);
  return result;
}

const containerFields = [
  'id', 'status', 'bundle', 'rootfs', 'pid', 'exitStatus', 'exitedAt', 'stdio', 'annotations', 'extensions',
] as const;

/**
 * Checks that `value` is a {@link ContainerState} and returns a clean copy of it (fields in a
 * fixed order, `undefined` optional fields dropped). Unknown fields are refused.
 */
export function checkContainerState(value: unknown, fail: Fail, path = 'container'): ContainerState {
  const obj = object(value, path, fail, containerFields);
  const rootfs = obj.rootfs;
  if (!Array.isArray(rootfs)) fail(`${path}.rootfs`, `expected an array of mounts, got ${rootfs === undefined ? 'nothing' : describe(rootfs)}`);
  const result: ContainerState = {
    id: identifier(obj, 'id', path, fail),
    status: oneOf(obj, 'status', path, fail, containerStatuses),
    bundle: string(obj, 'bundle', path, fail),
    rootfs: (rootfs as unknown[]).map((item, index) => mount(item, `${path}.rootfs[${index}]`, fail)),
    annotations: {},
  };
  if (has(obj, 'pid')) result.pid = integer(obj, 'pid', path, fail, 1);
  if (has(obj, 'exitStatus')) result.exitStatus = integer(obj, 'exitStatus', path, fail, 0);
  if (has(obj, 'exitedAt')) result.exitedAt = timestamp(obj, 'exitedAt', path, fail);
  if (has(obj, 'stdio')) result.stdio = stdio(obj.stdio, `${path}.stdio`, fail);
  result.annotations = stringRecord(obj, 'annotations', path, fail);
  if (has(obj, 'extensions')) result.extensions = extensions(obj, path, fail);
  return result;
}
