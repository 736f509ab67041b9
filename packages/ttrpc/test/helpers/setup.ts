import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { tempRoot } from '@proj/testkit';
import { TtrpcClient, TtrpcServer, type ServerOptions, type ClientOptions } from '@proj/ttrpc';

/** A fresh socket path in a temp dir removed at teardown. */
export async function socketPath(t: ExecutionContext, name = 'ttrpc.sock'): Promise<string> {
  return join(await tempRoot(t, 'proj-ttrpc-'), name);
}

/** A listening server plus a connected client, both closed at teardown. */
export async function pair(
  t: ExecutionContext,
  setup: (server: TtrpcServer) => void,
  options: { server?: ServerOptions; client?: ClientOptions } = {},
): Promise<{ server: TtrpcServer; client: TtrpcClient; path: string }> {
  const path = await socketPath(t);
  const server = new TtrpcServer(options.server);
  setup(server);
  await server.listen(path);
  const client = await TtrpcClient.connect(path, options.client);
  t.teardown(async () => {
    client.close();
    await server.close();
  });
  return { server, client, path };
}

export const text = new TextEncoder();
export const untext = new TextDecoder();

/** A serializer of UTF-8 strings, for typed-layer tests. */
export const utf8 = {
  encode: (value: string) => text.encode(value),
  decode: (bytes: Uint8Array) => untext.decode(bytes),
};
