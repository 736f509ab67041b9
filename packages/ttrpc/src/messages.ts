import { ProtoReader, ProtoWriter, WireType } from './protowire.js';

/** One metadata entry of a request (`ttrpc.KeyValue`): 1 key, 2 value. */
export interface KeyValue {
  /** Metadata key, lower-case. */
  key: string;
  /** One value of that key. */
  value: string;
}

/** The ttrpc `Request` envelope: 1 service, 2 method, 3 payload, 4 timeout_nano, 5 metadata. */
export interface RequestMessage {
  /** Fully qualified service name, e.g. `containerd.task.v2.Task`. */
  service: string;
  /** Method name, e.g. `Create`. */
  method: string;
  /** The encoded request message. */
  payload: Uint8Array;
  /** Remaining deadline in nanoseconds; 0 means none. */
  timeoutNano: number;
  /** Metadata entries in wire order; keys are lower-case. */
  metadata: KeyValue[];
}

/** A `google.rpc.Status`: 1 code, 2 message (3 details are skipped). */
export interface StatusMessage {
  /** gRPC status code (0 OK, 5 NotFound, 12 Unimplemented, ...). */
  code: number;
  /** Human-readable error message. */
  message: string;
}

/** The ttrpc `Response` envelope: 1 status (absent on success), 2 payload. */
export interface ResponseMessage {
  /** The call's status; absent or code 0 means success. */
  status?: StatusMessage;
  /** The encoded response message (empty on error). */
  payload: Uint8Array;
}

const emptyBytes = new Uint8Array(0);

/** Encodes a {@link RequestMessage}. */
export function encodeRequest(request: RequestMessage): Uint8Array {
  const writer = new ProtoWriter(64 + request.payload.length);
  writeRequest(writer, request);
  return writer.finish();
}

function writeRequest(writer: ProtoWriter, request: RequestMessage): void {
  if (request.service) writer.tag(1, WireType.LengthDelimited).string(request.service);
  if (request.method) writer.tag(2, WireType.LengthDelimited).string(request.method);
  if (request.payload.length > 0) writer.tag(3, WireType.LengthDelimited).bytes(request.payload);
  if (request.timeoutNano !== 0) writer.tag(4, WireType.Varint).int64(request.timeoutNano);
  for (const entry of request.metadata) {
    const inner = new ProtoWriter(16 + entry.key.length + entry.value.length);
    if (entry.key) inner.tag(1, WireType.LengthDelimited).string(entry.key);
    if (entry.value) inner.tag(2, WireType.LengthDelimited).string(entry.value);
    writer.tag(5, WireType.LengthDelimited).bytes(inner.finish());
  }
}

/** Decodes a {@link RequestMessage}; throws InvalidArgumentError on malformed bytes. */
export function decodeRequest(bytes: Uint8Array): RequestMessage {
  const reader = new ProtoReader(bytes, 'ttrpc request');
  const request: RequestMessage = { service: '', method: '', payload: emptyBytes, timeoutNano: 0, metadata: [] };
  while (reader.more()) {
    const [field, wireType] = reader.tag();
    switch (field) {
      case 1:
        reader.expect(wireType, WireType.LengthDelimited, 'service');
        request.service = reader.string();
        break;
      case 2:
        reader.expect(wireType, WireType.LengthDelimited, 'method');
        request.method = reader.string();
        break;
      case 3:
        reader.expect(wireType, WireType.LengthDelimited, 'payload');
        request.payload = reader.bytes();
        break;
      case 4:
        reader.expect(wireType, WireType.Varint, 'timeout_nano');
        request.timeoutNano = reader.int64();
        break;
      case 5:
        reader.expect(wireType, WireType.LengthDelimited, 'metadata');
        request.metadata.push(decodeKeyValue(reader.bytes()));
        break;
      default:
        reader.skip(wireType);
    }
  }
  return request;
}

function decodeKeyValue(bytes: Uint8Array): KeyValue {
  const reader = new ProtoReader(bytes, 'ttrpc metadata entry');
  const entry: KeyValue = { key: '', value: '' };
  while (reader.more()) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) entry.key = reader.string();
    else if (field === 2 && wireType === WireType.LengthDelimited) entry.value = reader.string();
    else reader.skip(wireType);
  }
  return entry;
}

/** Encodes a {@link ResponseMessage}; a status with code 0 and no message is left out, as ttrpc does. */
export function encodeResponse(response: ResponseMessage): Uint8Array {
  const writer = new ProtoWriter(32 + response.payload.length);
  const status = response.status;
  if (status && (status.code !== 0 || status.message)) {
    const inner = new ProtoWriter(16 + status.message.length * 3);
    if (status.code !== 0) inner.tag(1, WireType.Varint).int64(status.code);
    if (status.message) inner.tag(2, WireType.LengthDelimited).string(status.message);
    writer.tag(1, WireType.LengthDelimited).bytes(inner.finish());
  }
  if (response.payload.length > 0) writer.tag(2, WireType.LengthDelimited).bytes(response.payload);
  return writer.finish();
}

/** Decodes a {@link ResponseMessage}; throws InvalidArgumentError on malformed bytes. */
export function decodeResponse(bytes: Uint8Array): ResponseMessage {
  const reader = new ProtoReader(bytes, 'ttrpc response');
  const response: ResponseMessage = { payload: emptyBytes };
  while (reader.more()) {
    const [field, wireType] = reader.tag();
    if (field === 1) {
      reader.expect(wireType, WireType.LengthDelimited, 'status');
      response.status = decodeStatus(reader.bytes());
    } else if (field === 2) {
      reader.expect(wireType, WireType.LengthDelimited, 'payload');
      response.payload = reader.bytes();
    } else {
      reader.skip(wireType);
    }
  }
  return response;
}

function decodeStatus(bytes: Uint8Array): StatusMessage {
  const reader = new ProtoReader(bytes, 'ttrpc status');
  const status: StatusMessage = { code: 0, message: '' };
  while (reader.more()) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.Varint) status.code = reader.int32();
    else if (field === 2 && wireType === WireType.LengthDelimited) status.message = reader.string();
    else reader.skip(wireType);
  }
  return status;
}
