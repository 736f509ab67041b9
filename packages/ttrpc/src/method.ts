/**
 * Turns values of one message type into bytes and back. Any protobuf library fits: with
 * `@bufbuild/protobuf` it is `{ encode: (m) => toBinary(Schema, m), decode: (b) => fromBinary(Schema, b) }`.
 */
export interface Serializer<T> {
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

/** One unary ttrpc method with its request and response serializers. */
export interface MethodDescriptor<Request, Response> {
  /** Fully qualified service name, e.g. `containerd.task.v2.Task`. */
  readonly service: string;
  /** Method name, e.g. `Connect`. */
  readonly method: string;
  /** Serializer of the request message. */
  readonly request: Serializer<Request>;
  /** Serializer of the response message. */
  readonly response: Serializer<Response>;
}

/** Declares a typed method: `defineMethod('containerd.task.v2.Task', 'Connect', ConnectRequest, ConnectResponse)`. */
export function defineMethod<Request, Response>(
  service: string,
  method: string,
  request: Serializer<Request>,
  response: Serializer<Response>,
): MethodDescriptor<Request, Response> {
  return { service, method, request, response };
}

/** The `/service/method` name ttrpc uses in logs and interceptors. */
export function fullMethodName(service: string, method: string): string {
  return `/${service}/${method}`;
}
