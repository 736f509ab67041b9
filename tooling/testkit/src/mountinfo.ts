import { readFileSync } from 'node:fs';

/** Mount points listed in `/proc/self/mountinfo` at or below `dir`, deepest last. */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => unescapeOctal(line.split(' ')[4] ?? ''))
    .filter((mountpoint) => mountpoint === dir || mountpoint.startsWith(prefix));
}

function unescapeOctal(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
