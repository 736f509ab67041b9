import type { ByteRange } from '../vhdx/writer.js';
import { runCommand } from '../run-command.js';

/**
 * The byte ranges of `path` that hold data, from `filefrag -e` (FIEMAP, e2fsprogs), so a
 * 20 GiB sparse image is converted by reading a few megabytes instead of all of it. Resolves
 * undefined when the filesystem cannot tell (tmpfs has no FIEMAP) or filefrag is missing:
 * the caller then reads every block.
 */
export async function dataRanges(path: string, options: { signal?: AbortSignal; filefrag?: string } = {}): Promise<ByteRange[] | undefined> {
  let output: string;
  try {
    output = await runCommand(options.filefrag ?? 'filefrag', ['-e', '-b1024', path], options.signal ? { signal: options.signal } : {});
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return undefined;
  }
  return parseFilefrag(output, 1024);
}

/**
 * Parses `filefrag -e` output into byte ranges. Extent lines look like
 * `   3:     9252..    9256:    5855304..   5855308:      5:    5842906:`; the logical range
 * (first column pair) is in units of `unit` bytes. Undefined when there is no extent table.
 */
export function parseFilefrag(output: string, unit: number): ByteRange[] | undefined {
  if (!/^\s*ext:/m.test(output)) return undefined;
  const ranges: ByteRange[] = [];
  for (const line of output.split('\n')) {
    const match = /^\s*\d+:\s*(\d+)\.\.\s*(\d+):/.exec(line);
    if (!match) continue;
    const first = Number(match[1]);
    const last = Number(match[2]);
    ranges.push({ offset: first * unit, length: (last - first + 1) * unit });
  }
  return ranges;
}
