import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What `qemu-img info --output=json` reports about an image. */
export interface QemuImageInfo {
  format: string;
  'virtual-size': number;
  'actual-size'?: number;
  'cluster-size'?: number;
}

/** `qemu-img info` of `path`, asking it to detect the format itself. */
export async function qemuImgInfo(path: string): Promise<QemuImageInfo> {
  const { stdout } = await run('qemu-img', ['info', '--output=json', path]);
  return JSON.parse(stdout) as QemuImageInfo;
}

/** `qemu-img check` (exit 0 means no errors); resolves with its output. */
export async function qemuImgCheck(path: string): Promise<string> {
  const { stdout } = await run('qemu-img', ['check', '-f', 'vhdx', path]);
  return stdout;
}

/** Whether the VHDX reads exactly as the raw image (`qemu-img compare`, exit 0). */
export async function qemuImgSame(raw: string, vhdx: string): Promise<boolean> {
  try {
    await run('qemu-img', ['compare', '-q', '-f', 'raw', '-F', 'vhdx', raw, vhdx]);
    return true;
  } catch {
    return false;
  }
}

/** Converts a VHDX back to a raw image with qemu-img. */
export async function qemuImgToRaw(vhdx: string, raw: string): Promise<void> {
  await run('qemu-img', ['convert', '-f', 'vhdx', '-O', 'raw', vhdx, raw]);
}

/** `e2fsck -fn` on a raw image: resolves with its output when the filesystem is clean. */
export async function e2fsck(raw: string): Promise<string> {
  const { stdout, stderr } = await run('e2fsck', ['-fn', raw]);
  return `${stdout}${stderr}`;
}
