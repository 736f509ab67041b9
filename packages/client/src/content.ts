import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { FieldMaskSchema } from '@bufbuild/protobuf/wkt';
import { contentV1, fromTimestamp } from '@proj/api';
import { InvalidArgumentError, isAlreadyExists } from '@proj/errdefs';
import type { Descriptor } from './descriptor.js';
import type { CallOptions } from './options.js';
import type { ClientContext } from './context.js';

/** What the content store knows about a blob. */
export interface ContentInfo {
  digest: string;
  size: number;
  createdAt?: Date;
  updatedAt?: Date;
  labels: Record<string, string>;
}

/** An ingest in progress. */
export interface ContentStatus {
  ref: string;
  /** Bytes written so far. */
  offset: number;
  total: number;
  expected: string;
}

/** Options of {@link ContentStore.write}. */
export interface ContentWriteOptions extends CallOptions {
  /** The digest the data must have; an existing blob with it makes the write a no-op. */
  expected?: string;
  /** Total size, if known. */
  total?: number;
  /** Labels given to the blob at commit. */
  labels?: Record<string, string>;
  /** Called after every chunk with the bytes written so far. */
  onProgress?: (written: number, total: number | undefined) => void;
}

/** Result of {@link ContentStore.write}. */
export interface ContentWriteResult {
  digest: string;
  size: number;
  /** True when the blob was already in the store (the commit answered AlreadyExists). */
  existed: boolean;
}

const chunkSize = 1024 * 1024;

function toInfo(info: contentV1.Info | undefined): ContentInfo {
  const out: ContentInfo = { digest: info?.digest ?? '', size: Number(info?.size ?? 0n), labels: { ...(info?.labels ?? {}) } };
  const created = fromTimestamp(info?.createdAt);
  const updated = fromTimestamp(info?.updatedAt);
  if (created) out.createdAt = created;
  if (updated) out.updatedAt = updated;
  return out;
}

/** The daemon's content store: blobs addressed by digest, written through refs. */
export class ContentStore {
  readonly #ctx: ClientContext;

  /** @internal */
  constructor(ctx: ClientContext) {
    this.#ctx = ctx;
  }

  /** Info of one blob; NotFound when it is not stored. */
  async info(digest: string, options: CallOptions = {}): Promise<ContentInfo> {
    const response = await this.#ctx.services.content.info({ digest }, this.#ctx.call(options));
    return toInfo(response.info);
  }

  /** Every blob matching any of `filters` (containerd filter syntax). */
  async list(filters: string[] = [], options: CallOptions = {}): Promise<ContentInfo[]> {
    const out: ContentInfo[] = [];
    for await (const response of this.#ctx.services.content.list({ filters }, this.#ctx.call(options))) {
      for (const info of response.info) out.push(toInfo(info));
    }
    return out;
  }

  /** Sets the given labels (an empty value removes one); only the named keys change. */
  async setLabels(digest: string, labels: Record<string, string>, options: CallOptions = {}): Promise<ContentInfo> {
    const paths = Object.keys(labels).map((key) => `labels.${key}`);
    const response = await this.#ctx.services.content.update(
      { info: { digest, labels }, updateMask: create(FieldMaskSchema, { paths }) },
      this.#ctx.call(options),
    );
    return toInfo(response.info);
  }

  /** Ingests in progress (writes not yet committed), optionally filtered by `ref`. */
  async statuses(filters: string[] = [], options: CallOptions = {}): Promise<ContentStatus[]> {
    const r = await this.#ctx.services.content.listStatuses({ filters }, this.#ctx.call(options));
    return r.statuses.map((st) => ({ ref: st.ref, offset: Number(st.offset), total: Number(st.total), expected: st.expected }));
  }

  /** Abandons the ingest under `ref`; NotFound when there is none. */
  async abort(ref: string, options: CallOptions = {}): Promise<void> {
    await this.#ctx.services.content.abort({ ref }, this.#ctx.call(options));
  }

  /** Deletes a blob; NotFound when it is not stored. */
  async delete(digest: string, options: CallOptions = {}): Promise<void> {
    await this.#ctx.services.content.delete({ digest }, this.#ctx.call(options));
  }

  /** Streams a blob (or `size` bytes of it from `offset`) in chunks. */
  async *read(digest: string, options: CallOptions & { offset?: number; size?: number } = {}): AsyncGenerator<Uint8Array> {
    const request = { digest, offset: BigInt(options.offset ?? 0), size: BigInt(options.size ?? 0) };
    for await (const response of this.#ctx.services.content.read(request, this.#ctx.call(options))) {
      if (response.data.length > 0) yield response.data;
    }
  }

  /** A whole blob in memory (Info then Read, as the Go client's ReadBlob). */
  async readAll(digest: string, options: CallOptions = {}): Promise<Buffer> {
    const info = await this.info(digest, options);
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.read(digest, { ...options, size: info.size })) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /** A blob parsed as JSON. */
  async readJson<T>(digest: string, options: CallOptions = {}): Promise<T> {
    const data = await this.readAll(digest, options);
    try {
      return JSON.parse(data.toString('utf8')) as T;
    } catch (cause) {
      throw new InvalidArgumentError(`content ${digest} is not JSON`, { cause });
    }
  }

  /**
   * Writes a blob through the `Write` stream under `ref`, lock-step as containerd's client does
   * (STAT, WRITE chunks of at most 1 MiB, COMMIT). A blob that exists already is success.
   */
  async write(
    ref: string,
    data: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
    options: ContentWriteOptions = {},
  ): Promise<ContentWriteResult> {
    const stream = this.#ctx.services.content.write(this.#ctx.call(options));
    const exchange = async (message: MessageInitShape<typeof contentV1.WriteContentRequestSchema>) => {
      await stream.send(message);
      const response = await stream.recv();
      if (!response) throw new InvalidArgumentError(`content write ${ref}: the daemon ended the stream early`);
      return response;
    };
    const total = BigInt(options.total ?? 0);
    const expected = options.expected ?? '';
    let written = 0;
    let digest = '';
    try {
      try {
        const first = await exchange({ action: contentV1.WriteAction.STAT, ref, total, expected });
        // A previous ingest under this ref may have left data behind: writing at offset 0
        // truncates it, so the blob always starts from zero.
        digest = first.digest;
      } catch (err) {
        if (isAlreadyExists(err) && expected) return { digest: expected, size: options.total ?? 0, existed: true };
        throw err;
      }
      const chunks = data instanceof Uint8Array ? [data] : data;
      for await (const piece of chunks) {
        for (let at = 0; at < piece.length; at += chunkSize) {
          const part = piece.subarray(at, Math.min(piece.length, at + chunkSize));
          const response = await exchange({ action: contentV1.WriteAction.WRITE, offset: BigInt(written), data: part });
          written = Number(response.offset);
          digest = response.digest;
          options.onProgress?.(written, options.total);
        }
      }
      let committed: contentV1.WriteContentResponse;
      try {
        committed = await exchange({
          action: contentV1.WriteAction.COMMIT,
          offset: BigInt(written),
          total: BigInt(options.total ?? written),
          expected,
          labels: options.labels ?? {},
        });
      } catch (err) {
        if (isAlreadyExists(err)) return { digest: expected || digest, size: written, existed: true };
        throw err;
      }
      stream.end();
      // containerd repeats the commit response once, then ends the stream.
      while ((await stream.recv()) !== undefined);
      return { digest: committed.digest, size: written, existed: false };
    } catch (err) {
      stream.cancel();
      throw err;
    }
  }

  /** Writes a blob of known descriptor (the Go client's `WriteBlob`): `expected` set, existing blobs skipped. */
  async writeBlob(ref: string, data: Uint8Array, descriptor: Pick<Descriptor, 'digest' | 'size'>, options: ContentWriteOptions = {}): Promise<ContentWriteResult> {
    const result = await this.write(ref, data, { ...options, expected: descriptor.digest, total: descriptor.size });
    return { ...result, digest: descriptor.digest };
  }
}
