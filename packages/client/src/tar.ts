import { InvalidArgumentError } from '@proj/errdefs';

/** One entry of a tar stream. */
export interface TarEntry {
  /** Path inside the archive, without a leading `./` or `/`. */
  name: string;
  /** Type flag: `0` file, `5` directory, `2` symlink, `1` hard link, ... */
  type: string;
  size: number;
  linkname: string;
}

/** Reads exact byte counts from an async stream of chunks. */
class ByteReader {
  readonly #iterator: AsyncIterator<Uint8Array>;
  #buffer: Buffer = Buffer.alloc(0);
  #done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  async #fill(n: number): Promise<void> {
    while (this.#buffer.length < n && !this.#done) {
      const next = await this.#iterator.next();
      if (next.done) this.#done = true;
      else this.#buffer = this.#buffer.length === 0 ? Buffer.from(next.value) : Buffer.concat([this.#buffer, next.value]);
    }
  }

  /** Up to `n` bytes (fewer only at the end of the stream). */
  async read(n: number): Promise<Buffer> {
    await this.#fill(n);
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(out.length);
    return out;
  }

  /** Stops reading the source (a Node stream is destroyed, closing its file). */
  async close(): Promise<void> {
    this.#done = true;
    await this.#iterator.return?.();
  }

  /** The next chunk of at most `max` bytes, reading at most one new source chunk. */
  async chunk(max: number): Promise<Buffer> {
    await this.#fill(1);
    const out = this.#buffer.subarray(0, max);
    this.#buffer = this.#buffer.subarray(out.length);
    return out;
  }
}

function cString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function octal(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if ((field[0]! & 0x80) !== 0) {
    // base-256 (GNU) for large sizes
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return value;
  }
  const text = cString(block, start, length).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number.parseInt(data.subarray(at, space).toString('utf8'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return records;
}

function cleanName(name: string): string {
  let out = name;
  while (out.startsWith('./')) out = out.slice(2);
  while (out.startsWith('/')) out = out.slice(1);
  return out;
}

/**
 * Reads a tar stream entry by entry (ustar, PAX and GNU long names). Each entry's body must be
 * consumed (or ignored) before asking for the next; leftovers are skipped. The source is closed
 * at the end of the archive and when the caller stops early (a file stream's descriptor too).
 */
export async function* readTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<{ entry: TarEntry; body: AsyncIterable<Buffer> }> {
  const reader = new ByteReader(source);
  try {
    yield* readEntries(reader);
  } finally {
    await reader.close();
  }
}

async function* readEntries(reader: ByteReader): AsyncGenerator<{ entry: TarEntry; body: AsyncIterable<Buffer> }> {
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const block = await reader.read(512);
    if (block.length === 0) return;
    if (block.length < 512) throw new InvalidArgumentError('tar stream ends inside a header: the archive is truncated');
    if (block.every((byte) => byte === 0)) return;
    const type = String.fromCharCode(block[156] || 0x30);
    const size = pax.size !== undefined ? Number(pax.size) : octal(block, 124, 12);
    const padded = Math.ceil(size / 512) * 512;
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      const block = await reader.read(padded);
      if (block.length < padded) throw new InvalidArgumentError('tar stream ends inside an extended header: the archive is truncated');
      const data = block.subarray(0, size);
      if (type === 'x') pax = parsePax(data);
      else if (type === 'L') longName = cString(data, 0, data.length);
      else if (type === 'K') longLink = cString(data, 0, data.length);
      continue;
    }
    const prefix = block.subarray(257, 262).toString('latin1') === 'ustar' ? cString(block, 345, 155) : '';
    const rawName = pax.path ?? longName ?? (prefix ? `${prefix}/${cString(block, 0, 100)}` : cString(block, 0, 100));
    const entry: TarEntry = {
      name: cleanName(rawName),
      type: type === '\0' ? '0' : type,
      size,
      linkname: pax.linkpath ?? longLink ?? cString(block, 157, 100),
    };
    pax = {};
    longName = undefined;
    longLink = undefined;
    let remaining = size;
    const body = {
      async *[Symbol.asyncIterator]() {
        while (remaining > 0) {
          const chunk = await reader.chunk(Math.min(remaining, 1024 * 1024));
          if (chunk.length === 0) throw new InvalidArgumentError(`tar stream ends inside "${entry.name}": the archive is truncated`);
          remaining -= chunk.length;
          yield chunk;
        }
      },
    };
    yield { entry, body };
    while (remaining > 0) {
      const chunk = await reader.chunk(Math.min(remaining, 1024 * 1024));
      if (chunk.length === 0) throw new InvalidArgumentError(`tar stream ends inside "${entry.name}": the archive is truncated`);
      remaining -= chunk.length;
    }
    if ((await reader.read(padded - size)).length < padded - size) {
      throw new InvalidArgumentError(`tar stream ends inside the padding of "${entry.name}": the archive is truncated`);
    }
  }
}
