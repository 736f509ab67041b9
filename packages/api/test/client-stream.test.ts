// Client-streaming calls (no containerd service has one, so the service comes from a test
// .proto built with buf): the sum arrives, and a request source that fails ends the call with
// its error without leaving a rejected promise behind when the connection closes later.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { createFileRegistry, fromBinary, type DescMessage, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { GenService } from '@bufbuild/protobuf/codegenv2';
import { addGrpcService, connectGrpc, createGrpcServer, listenGrpc, shutdownGrpc } from '@proj/api';
import { tempRoot } from '@proj/testkit';

const require = createRequire(import.meta.url);
const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'client-stream');

type NumberMessage = { value: bigint };
type SummerMethods = {
  sum: { methodKind: 'client_streaming'; input: DescMessage & { $type: NumberMessage }; output: DescMessage & { $type: NumberMessage } };
};
interface SummerClient {
  sum(requests: AsyncIterable<Partial<NumberMessage>> | Iterable<Partial<NumberMessage>>): Promise<NumberMessage>;
}

async function summerService(): Promise<DescService> {
  const buf = join(dirname(require.resolve('@bufbuild/buf/package.json')), 'bin', 'buf');
  const { stdout } = await promisify(execFile)(buf, ['build', fixture, '-o', '-#format=binpb'], { encoding: 'buffer' });
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, stdout)).getService('proj.test.v1.Summer')!;
}

async function serve(t: import('ava').ExecutionContext) {
  const service = (await summerService()) as unknown as GenService<SummerMethods>;
  const socket = join(await tempRoot(t, 'proj-api-cstream-'), 'grpc.sock');
  const server = createGrpcServer();
  addGrpcService(server, service, {
    async sum(requests: AsyncIterable<NumberMessage>) {
      let total = 0n;
      for await (const request of requests) total += request.value;
      return { value: total };
    },
  } as never);
  await listenGrpc(server, socket);
  const connection = connectGrpc(socket);
  t.teardown(async () => {
    connection.close();
    await shutdownGrpc(server, 500);
  });
  return { server, connection, client: connection.client(service) as unknown as SummerClient };
}

test('a client-streaming call sends every request and returns the response', async (t) => {
  const { client } = await serve(t);
  t.is((await client.sum([{ value: 1n }, { value: 2n }, { value: 39n }])).value, 42n);
});

test('a request source that throws fails the call with its error; closing later rejects nothing unhandled', async (t) => {
  const { client, connection, server } = await serve(t);
  async function* failing() {
    yield { value: 1n };
    throw new Error('request source failed');
  }
  const error = await t.throwsAsync(client.sum(failing()));
  t.is(error?.message, 'request source failed');
  // The call must already be over: closing everything now must not reject a forgotten promise.
  connection.close();
  await shutdownGrpc(server, 100);
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.pass();
});
