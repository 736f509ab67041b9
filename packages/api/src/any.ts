import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type Message,
  type MessageInitShape,
  type MessageShape,
  type Registry,
} from '@bufbuild/protobuf';
import { type Any, AnySchema } from '@bufbuild/protobuf/wkt';
import { InvalidArgumentError, NotFoundError } from '@proj/errdefs';
import { apiRegistry } from './registry.js';

/** Type URL of the OCI runtime spec (JSON in `Any.value`), as in `Container.spec`. */
export const runtimeSpecTypeUrl = 'types.containerd.io/opencontainers/runtime-spec/1/Spec';
/** Type URL of an OCI process spec (JSON), as in `ExecProcessRequest.spec`. */
export const processSpecTypeUrl = 'types.containerd.io/opencontainers/runtime-spec/1/Process';
/** Type URL of OCI Linux resources (JSON), as in `UpdateTaskRequest.resources`. */
export const linuxResourcesTypeUrl = 'types.containerd.io/opencontainers/runtime-spec/1/LinuxResources';
/** Type URL of OCI Windows resources (JSON). */
export const windowsResourcesTypeUrl = 'types.containerd.io/opencontainers/runtime-spec/1/WindowsResources';

const googlePrefix = 'type.googleapis.com/';

/**
 * Packs a protobuf message the containerd way: the type URL is the bare full name
 * (`containerd.events.TaskExit`), with no `type.googleapis.com/` prefix.
 */
export function packAny<Desc extends DescMessage>(schema: Desc, message?: MessageInitShape<Desc>): Any {
  const value = toBinary(schema, create(schema, message));
  return create(AnySchema, { typeUrl: schema.typeName, value });
}

/** The message type name an Any carries: its type URL without a `type.googleapis.com/`-style prefix. */
export function anyTypeName(any: Pick<Any, 'typeUrl'>): string {
  const url = any.typeUrl;
  if (url.startsWith(googlePrefix)) return url.slice(googlePrefix.length);
  return url;
}

/** Whether `any` holds a message of `schema` (bare or prefixed type URL). */
export function anyIs(any: Any, schema: DescMessage): boolean {
  return anyTypeName(any) === schema.typeName;
}

/** Unpacks `any` as `schema`; InvalidArgument when it holds another type. */
export function unpackAny<Desc extends DescMessage>(any: Any, schema: Desc): MessageShape<Desc> {
  if (!anyIs(any, schema)) {
    throw new InvalidArgumentError(`Any holds type "${any.typeUrl}", not ${schema.typeName}`);
  }
  return fromBinary(schema, any.value);
}

/**
 * Unpacks a protobuf `any` by looking its type up in `registry` (default: every @proj/api type).
 * NotFound when the type is unknown (ctr skips such events too); JSON type URLs are not protobuf
 * messages: use {@link unpackJsonAny} for them.
 */
export function unpackAnyFromRegistry(any: Any, registry: Registry = apiRegistry): Message {
  const schema = registry.getMessage(anyTypeName(any));
  if (!schema) throw new NotFoundError(`no message type "${any.typeUrl}" in the registry; register its file or check the type URL`);
  return fromBinary(schema, any.value);
}

/**
 * Packs a JSON value (e.g. an OCI spec) the way containerd registers Go types: `value` is the
 * UTF-8 JSON text, `type_url` is e.g. {@link runtimeSpecTypeUrl}.
 */
export function packJsonAny(typeUrl: string, value: unknown): Any {
  return create(AnySchema, { typeUrl, value: new TextEncoder().encode(JSON.stringify(value)) });
}

/**
 * Parses the JSON in a containerd JSON-typed Any. With `typeUrl`, InvalidArgument unless the
 * Any carries exactly that type; InvalidArgument when the value is not JSON.
 */
export function unpackJsonAny<T = unknown>(any: Any, typeUrl?: string): T {
  if (typeUrl !== undefined && any.typeUrl !== typeUrl) {
    throw new InvalidArgumentError(`Any holds type "${any.typeUrl}", not ${typeUrl}`);
  }
  try {
    return JSON.parse(new TextDecoder().decode(any.value)) as T;
  } catch (cause) {
    throw new InvalidArgumentError(`Any of type "${any.typeUrl}" does not hold JSON`, { cause });
  }
}
