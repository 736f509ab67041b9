import test from 'ava';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { AnySchema, TimestampSchema } from '@bufbuild/protobuf/wkt';
import { Metadata } from '@grpc/grpc-js';
import { isFailedPrecondition, isInvalidArgument, isNotFound } from '@proj/errdefs';
import {
  anyTypeName,
  callMetadata,
  events,
  fromTimestamp,
  goZeroTimeSeconds,
  isZeroTimestamp,
  leaseFromMetadata,
  namespaceFromMetadata,
  namespaceFromTtrpcMetadata,
  packAny,
  packJsonAny,
  requireNamespace,
  runcOptionsV1,
  runtimeSpecTypeUrl,
  timestampFromNanos,
  timestampToNanos,
  toTimestamp,
  ttrpcNamespacePair,
  unpackAny,
  unpackAnyFromRegistry,
  unpackJsonAny,
  zeroTimestamp,
} from '@proj/api';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

test('packAny uses the bare full name as type URL, as containerd does', (t) => {
  const any = packAny(events.TaskExitSchema, { containerId: 'c1', id: 'c1', pid: 42, exitStatus: 1 });
  t.is(any.typeUrl, 'containerd.events.TaskExit');
  const back = unpackAny(any, events.TaskExitSchema);
  t.is(back.containerId, 'c1');
  t.is(back.pid, 42);
  t.is(back.exitStatus, 1);
  const empty = packAny(runcOptionsV1.OptionsSchema);
  t.is(empty.typeUrl, 'containerd.runc.v1.Options');
  t.is(empty.value.length, 0);
});

test('unpackAny also accepts a type.googleapis.com/ prefix and rejects other types', (t) => {
  const any = create(AnySchema, {
    typeUrl: 'type.googleapis.com/containerd.events.TaskStart',
    value: toBinary(events.TaskStartSchema, create(events.TaskStartSchema, { containerId: 'x', pid: 7 })),
  });
  t.is(anyTypeName(any), 'containerd.events.TaskStart');
  t.is(unpackAny(any, events.TaskStartSchema).pid, 7);
  const err = t.throws(() => unpackAny(any, events.TaskExitSchema));
  t.true(isInvalidArgument(err));
});

test('unpackAnyFromRegistry resolves containerd type URLs and reports unknown ones as NotFound', (t) => {
  const any = packAny(events.ImageCreateSchema, { name: 'docker.io/library/bb:latest' });
  t.is(any.typeUrl, 'containerd.services.images.v1.ImageCreate');
  const message = unpackAnyFromRegistry(any);
  t.is(message.$typeName, 'containerd.services.images.v1.ImageCreate');
  const err = t.throws(() => unpackAnyFromRegistry(create(AnySchema, { typeUrl: 'io.containerd.cgroups.v9.Nope' })));
  t.true(isNotFound(err));
});

test('JSON Anys carry the OCI spec as UTF-8 JSON under its types.containerd.io URL', (t) => {
  const spec = { ociVersion: '1.0.2', root: { path: 'rootfs' } };
  const any = packJsonAny(runtimeSpecTypeUrl, spec);
  t.is(any.typeUrl, 'types.containerd.io/opencontainers/runtime-spec/1/Spec');
  t.is(new TextDecoder().decode(any.value), JSON.stringify(spec));
  t.deepEqual(unpackJsonAny(any, runtimeSpecTypeUrl), spec);
  t.true(isInvalidArgument(t.throws(() => unpackJsonAny(any, 'other'))));
  t.true(isInvalidArgument(t.throws(() => unpackJsonAny(create(AnySchema, { typeUrl: 'x', value: new Uint8Array([1]) })))));
});

test('Go zero time: -62135596800 seconds, a 10-byte varint, read back as "no time"', (t) => {
  const zero = zeroTimestamp();
  t.is(zero.seconds, goZeroTimeSeconds);
  t.is(hex(toBinary(TimestampSchema, zero)), '088092b8c398feffffff01');
  const decoded = fromBinary(TimestampSchema, Buffer.from('088092b8c398feffffff01', 'hex'));
  t.is(decoded.seconds, -62135596800n);
  t.true(isZeroTimestamp(decoded));
  t.is(fromTimestamp(decoded), undefined);
  t.is(fromTimestamp(undefined), undefined);
  t.true(isZeroTimestamp(toTimestamp(undefined)));
  // Epoch 0 is a real time, not "unset".
  t.false(isZeroTimestamp(create(TimestampSchema, { seconds: 0n })));
});

test('timestamps convert to and from Dates and nanoseconds, before 1970 too', (t) => {
  const date = new Date('2026-11-23T22:26:14.123Z');
  const ts = toTimestamp(date);
  t.is(ts.seconds, 1795472774n);
  t.is(ts.nanos, 123_000_000);
  t.is(fromTimestamp(ts)?.toISOString(), date.toISOString());
  const old = toTimestamp(new Date('1969-12-31T23:59:59.500Z'));
  t.is(old.seconds, -1n);
  t.is(old.nanos, 500_000_000);
  t.is(fromTimestamp(old)?.toISOString(), '1969-12-31T23:59:59.500Z');
  t.deepEqual(timestampFromNanos(-1n), create(TimestampSchema, { seconds: -1n, nanos: 999_999_999 }));
  t.is(timestampToNanos(timestampFromNanos(1_700_000_000_123_456_789n)), 1_700_000_000_123_456_789n);
  t.is(timestampToNanos(zeroTimestamp()), -62135596800n * 1_000_000_000n);
});

test('namespace and lease metadata use containerd\'s keys and the first value', (t) => {
  const md = callMetadata({ namespace: 'testns', lease: '605799909-4xih' });
  t.deepEqual(md.get('containerd-namespace'), ['testns']);
  t.deepEqual(md.get('containerd-lease'), ['605799909-4xih']);
  md.add('containerd-namespace', 'second');
  t.is(namespaceFromMetadata(md), 'testns');
  t.is(leaseFromMetadata(md), '605799909-4xih');
  t.is(namespaceFromMetadata(new Metadata()), undefined);
  t.is(requireNamespace(md), 'testns');
  const err = t.throws(() => requireNamespace(new Metadata()));
  t.true(isFailedPrecondition(err));
  t.is(err?.message, 'namespace is required');
});

test('ttrpc namespace metadata uses containerd-namespace-ttrpc', (t) => {
  t.deepEqual(ttrpcNamespacePair('default'), { key: 'containerd-namespace-ttrpc', value: 'default' });
  t.is(namespaceFromTtrpcMetadata([{ key: 'other', value: 'x' }, ttrpcNamespacePair('k8s.io')]), 'k8s.io');
  t.is(namespaceFromTtrpcMetadata([]), undefined);
});
