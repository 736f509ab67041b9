// Unary round trips per second and latency percentiles for small messages:
// @proj/ttrpc client → @proj/ttrpc server, side by side with the same echo call over
// @grpc/grpc-js, both on unix sockets. The servers run in a child process so client and server
// each get a core, as a daemon and a shim would.
//
//   npm run build --workspace @proj/ttrpc && npx tsx bench/ttrpc.ts [--calls 20000] [--concurrency 32]
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { TtrpcClient, TtrpcServer } from '@proj/ttrpc';

const service = 'bench.v1.Echo';
const method = 'Echo';
const grpcPath = `/${service}/${method}`;
const identity = (value: Buffer) => value;

async function serve(dir: string): Promise<void> {
  const ttrpc = new TtrpcServer().register(service, method, (payload) => payload);
  await ttrpc.listen(join(dir, 'ttrpc.sock'));

  const server = new grpc.Server();
  server.addService(
    {
      [method]: {
        path: grpcPath,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    { [method]: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, call.request) },
  );
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${join(dir, 'grpc.sock')}`, grpc.ServerCredentials.createInsecure(), (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  process.send?.('ready');
  process.on('disconnect', () => process.exit(0));
}

type Call = (payload: Buffer) => Promise<unknown>;

interface Result {
  calls: number;
  seconds: number;
  latencies: Float64Array;
}

async function run(call: Call, payload: Buffer, calls: number, concurrency: number): Promise<Result> {
  const latencies = new Float64Array(calls);
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < calls) {
      const index = next++;
      const t0 = process.hrtime.bigint();
      await call(payload);
      latencies[index] = Number(process.hrtime.bigint() - t0) / 1e3; // µs
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { calls, seconds, latencies };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summarize(name: string, concurrency: number, result: Result) {
  const sorted = result.latencies.slice().sort();
  return {
    transport: name,
    'in flight': concurrency,
    'calls/s': Math.round(result.calls / result.seconds),
    'p50 µs': Math.round(percentile(sorted, 50)),
    'p99 µs': Math.round(percentile(sorted, 99)),
  };
}

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

async function main(): Promise<void> {
  const calls = argument('calls', 20_000);
  const concurrency = argument('concurrency', 32);
  const size = argument('size', 64);
  const dir = mkdtempSync(join(tmpdir(), 'proj-bench-ttrpc-'));
  const child = fork(fileURLToPath(import.meta.url), ['serve', dir], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });

    const ttrpc = await TtrpcClient.connect(join(dir, 'ttrpc.sock'));
    const grpcClient = new grpc.Client(`unix://${join(dir, 'grpc.sock')}`, grpc.credentials.createInsecure());
    const transports: Array<[string, Call]> = [
      ['@proj/ttrpc', (payload) => ttrpc.call(service, method, payload)],
      [
        '@grpc/grpc-js',
        (payload) =>
          new Promise((resolve, reject) =>
            grpcClient.makeUnaryRequest(grpcPath, identity, identity, payload, (error, value) => (error ? reject(error) : resolve(value))),
          ),
      ],
    ];
    const payload = Buffer.alloc(size, 0x61);
    const rows = [];
    for (const inFlight of [1, concurrency]) {
      for (const [name, call] of transports) {
        await run(call, payload, Math.min(2000, calls), inFlight); // warm-up (JIT, connection)
        rows.push(summarize(name, inFlight, await run(call, payload, calls, inFlight)));
      }
    }
    console.log(
      `unary echo, ${size}-byte payload, ${calls} calls per row, node ${process.version}, unix sockets, server in a child process`,
    );
    console.table(rows);
    ttrpc.close();
    grpcClient.close();
  } finally {
    child.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'serve') await serve(process.argv[3]!);
else await main();
