// Encode and decode every message type of the package with a fixture built from its
// descriptor: every field set (repeated fields with two elements, maps with two entries,
// messages nested to a fixed depth), so a wrong field number, type or nesting would show up
// as a lost or changed value.
import test from 'ava';
import {
  create,
  equals,
  fromBinary,
  toBinary,
  ScalarType,
  type DescField,
  type DescMessage,
  type DescEnum,
} from '@bufbuild/protobuf';
import { allFiles } from '@proj/api';

function allMessages(): DescMessage[] {
  const out: DescMessage[] = [];
  const visit = (message: DescMessage) => {
    out.push(message);
    message.nestedMessages.forEach(visit);
  };
  for (const file of allFiles) file.messages.forEach(visit);
  return out;
}

function scalarValue(type: ScalarType, seed: number): unknown {
  switch (type) {
    case ScalarType.STRING:
      return `value-${seed}-\u00e9\u4e2d`;
    case ScalarType.BYTES:
      return new Uint8Array([0, 1, 127, 128, 255, seed & 0xff]);
    case ScalarType.BOOL:
      return true;
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      // The Go zero time's seconds: negative int64 must survive (wire doc §1.4).
      return seed % 2 === 0 ? -62135596800n : 9007199254740993n;
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return 18446744073709551615n;
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return seed % 2 === 0 ? -123456789 : 2147483647;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return 4294967295;
    case ScalarType.DOUBLE:
      return 1.5;
    case ScalarType.FLOAT:
      return 0.25;
  }
}

function mapKey(type: ScalarType, index: number): string | number | bigint | boolean {
  if (type === ScalarType.STRING) return `key.${index}/containerd.io`;
  if (type === ScalarType.BOOL) return index === 0;
  return index + 1;
}

function enumValue(desc: DescEnum): number {
  return desc.values[desc.values.length - 1]?.number ?? 0;
}

function fieldValue(field: DescField, depth: number, seed: number): unknown {
  switch (field.fieldKind) {
    case 'scalar':
      return scalarValue(field.scalar, seed);
    case 'enum':
      return enumValue(field.enum);
    case 'message':
      return depth > 0 ? fixture(field.message, depth - 1) : create(field.message);
    case 'list': {
      const item = (i: number): unknown =>
        field.listKind === 'scalar'
          ? scalarValue(field.scalar, seed + i)
          : field.listKind === 'enum'
            ? enumValue(field.enum)
            : fixture(field.message, Math.max(0, depth - 1));
      return [item(0), item(1)];
    }
    case 'map': {
      const value = (i: number): unknown =>
        field.mapKind === 'scalar'
          ? scalarValue(field.scalar, seed + i)
          : field.mapKind === 'enum'
            ? enumValue(field.enum)
            : fixture(field.message, Math.max(0, depth - 1));
      return Object.fromEntries([0, 1].map((i) => [String(mapKey(field.mapKey, i)), value(i)]));
    }
  }
}

function fixture(desc: DescMessage, depth = 3) {
  const init: Record<string, unknown> = {};
  desc.fields.forEach((field, i) => {
    init[field.localName] = fieldValue(field, depth, i);
  });
  return create(desc, init);
}

const messages = allMessages();

test('the package describes every containerd message type', (t) => {
  // 11 services, types, events, shim and runc options: well over a hundred messages.
  t.true(messages.length >= 180, `only ${messages.length} message types`);
  const names = new Set(messages.map((m) => m.typeName));
  for (const name of [
    'containerd.services.version.v1.VersionResponse',
    'containerd.services.namespaces.v1.Namespace',
    'containerd.services.content.v1.WriteContentRequest',
    'containerd.services.snapshots.v1.Info',
    'containerd.services.tasks.v1.CreateTaskRequest',
    'containerd.services.events.v1.Envelope',
    'containerd.services.introspection.v1.Plugin',
    'containerd.services.events.ttrpc.v1.ForwardRequest',
    'containerd.task.v2.ConnectResponse',
    'containerd.events.TaskExit',
    'containerd.services.images.v1.ImageCreate',
    'containerd.runc.v1.Options',
    'containerd.v1.types.Process',
    'containerd.types.Mount',
    'google.rpc.Status',
  ]) {
    t.true(names.has(name), name);
  }
});

for (const desc of messages) {
  test(`round-trip ${desc.typeName}`, (t) => {
    const full = fixture(desc);
    const bytes = toBinary(desc, full);
    if (desc.fields.length > 0) t.true(bytes.length > 0);
    const decoded = fromBinary(desc, bytes);
    t.true(equals(desc, full, decoded), 'decoded message differs from the encoded one');
    t.deepEqual(toBinary(desc, decoded), bytes, 're-encoding changes the bytes');

    const empty = create(desc);
    t.is(toBinary(desc, empty).length, 0, 'an empty message must encode to no bytes');
    t.true(equals(desc, empty, fromBinary(desc, new Uint8Array())));
  });
}
