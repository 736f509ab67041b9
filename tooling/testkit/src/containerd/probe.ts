import { connect as http2Connect } from 'node:http2';
import { connect as netConnect } from 'node:net';

/**
 * Whether a gRPC server answers on the unix socket `address`: calls containerd's
 * `Version/Version` with plain HTTP/2 (no gRPC library, so the test kit needs no dependency)
 * and resolves `true` on grpc-status 0, `false` on any failure or after `timeoutMs`.
 */
export function probeContainerd(address: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const session = http2Connect('http://localhost', { createConnection: () => netConnect(address) });
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    session.on('error', () => finish(false));
    const request = session.request({
      ':method': 'POST',
      ':path': '/containerd.services.version.v1.Version/Version',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    request.on('error', () => finish(false));
    let status: string | undefined;
    request.on('response', (headers) => {
      const early = headers['grpc-status'];
      if (early !== undefined) status = String(early);
    });
    request.on('trailers', (trailers) => {
      status = String(trailers['grpc-status']);
    });
    request.on('data', () => undefined);
    request.on('end', () => finish(status === '0'));
    // One empty gRPC message: not compressed, length 0 (google.protobuf.Empty).
    request.end(Buffer.alloc(5));
  });
}
