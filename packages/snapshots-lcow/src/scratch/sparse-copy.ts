import { open, rm } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/**
 * Copies `source` to `destination` (which must not exist), leaving holes where the source reads
 * as zeros in 64 KiB chunks. A scratch disk is mostly zeros (the empty VHDX log, unused parts of
 * the headers, metadata and BAT, and of each ext4 block), so a copy writes a few megabytes
 * rather than the full file. The copy is fsynced; a failed copy is removed.
 */
export async function sparseCopy(source: string, destination: string): Promise<void> {
  const input = await open(source, 'r');
  try {
    const output = await open(destination, 'wx', 0o600);
    try {
      const { size } = await input.stat();
      const buffer = Buffer.alloc(4 * 1024 * 1024);
      const zero = Buffer.alloc(CHUNK);
      for (let position = 0; position < size; ) {
        const { bytesRead } = await input.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) break;
        for (let at = 0; at < bytesRead; at += CHUNK) {
          const end = Math.min(at + CHUNK, bytesRead);
          if (buffer.compare(zero, 0, end - at, at, end) === 0) continue;
          await writeAll(output, buffer.subarray(at, end), position + at);
        }
        position += bytesRead;
      }
      await output.truncate(size);
      await output.sync();
    } catch (error) {
      await output.close().catch(() => undefined);
      await rm(destination, { force: true });
      throw error;
    }
    await output.close();
  } finally {
    await input.close();
  }
}

async function writeAll(handle: Awaited<ReturnType<typeof open>>, data: Buffer, position: number): Promise<void> {
  for (let done = 0; done < data.length; ) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}
