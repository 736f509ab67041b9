import { InvalidArgumentError, NotFoundError } from '@proj/errdefs';
import type { ContainerRecord } from './container-record.js';
import type { OptContext } from './container.js';
import { ContentStore } from './content.js';
import type { Image } from './image.js';
import { readImageFiles } from './image-fs.js';
import { defaultPathEnv, replaceOrAppendEnv } from './spec.js';
import type { ProcessSpec, Spec, SpecMount } from './spec-types.js';

/** An option that edits an OCI spec (containerd's `oci.SpecOpts`). */
export type SpecOpt = (ctx: OptContext, container: ContainerRecord, spec: Spec) => void | Promise<void>;

function proc(spec: Spec): ProcessSpec {
  spec.process ??= { user: { uid: 0, gid: 0 }, cwd: '/' };
  return spec.process;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

function parsePasswd(text: string | undefined): PasswdEntry[] {
  return (text ?? '')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((f) => f.length >= 4 && f[0] && !f[0].startsWith('#'))
    .map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) }));
}

function parseGroup(text: string | undefined): GroupEntry[] {
  return (text ?? '')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((f) => f.length >= 3 && f[0] && !f[0].startsWith('#'))
    .map((f) => ({ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }));
}

const userFiles = new Map<string, Promise<{ passwd: PasswdEntry[]; group: GroupEntry[] }>>();

/** The image's users and groups, read once per manifest digest (content never changes under a digest). */
async function imageFiles(ctx: OptContext, image: Image): Promise<{ passwd: PasswdEntry[]; group: GroupEntry[] }> {
  const options = ctx.signal ? { signal: ctx.signal } : {};
  const { descriptor, manifest } = await image.manifest(options);
  let files = userFiles.get(descriptor.digest);
  if (!files) {
    files = readImageFiles(new ContentStore(ctx.host), manifest.layers, ['/etc/passwd', '/etc/group'], ctx.signal).then((found) => ({
      passwd: parsePasswd(found.get('/etc/passwd')?.toString('utf8')),
      group: parseGroup(found.get('/etc/group')?.toString('utf8')),
    }));
    userFiles.set(descriptor.digest, files);
    files.catch(() => userFiles.delete(descriptor.digest));
    if (userFiles.size > 64) userFiles.delete(userFiles.keys().next().value!);
  }
  return files;
}

const numeric = (s: string) => /^\d+$/.test(s);

/**
 * Resolves a user string (`name`, `uid`, `name:group`, `uid:gid`) against the image's
 * `/etc/passwd` and `/etc/group` (read from its layers) and sets uid and gid, as containerd
 * 1.6.20's `WithUser` does. The additional gids start afresh (a previous user's never stay):
 * the groups that list the user when `supplementalGroups` (containerd's `WithAdditionalGIDs`,
 * which `WithImageConfig` applies), and always the primary gid (`ensureAdditionalGids`).
 */
async function applyUser(ctx: OptContext, image: Image | undefined, spec: Spec, user: string, supplementalGroups: boolean): Promise<void> {
  const p = proc(spec);
  const [userPart = '', groupPart] = user.split(':');
  const files = image ? await imageFiles(ctx, image) : { passwd: [], group: [] };
  let uid: number;
  let gid: number;
  let username: string | undefined;
  if (numeric(userPart)) {
    uid = Number(userPart);
    const entry = files.passwd.find((e) => e.uid === uid);
    gid = entry?.gid ?? 0;
    username = entry?.name;
  } else {
    const entry = files.passwd.find((e) => e.name === userPart);
    if (!entry) throw new NotFoundError(`no user "${userPart}" in the image's /etc/passwd`);
    ({ uid, gid } = entry);
    username = entry.name;
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (numeric(groupPart)) gid = Number(groupPart);
    else {
      const g = files.group.find((e) => e.name === groupPart);
      if (!g) throw new NotFoundError(`no group "${groupPart}" in the image's /etc/group`);
      gid = g.gid;
    }
  }
  p.user = { ...p.user, uid, gid, additionalGids: withPrimaryGid(gid, supplementalGroups ? groupsListing(files.group, username) : []) };
}

/** The gids of the groups that list `username` as a member, except its own group (containerd's `WithAdditionalGIDs`). */
function groupsListing(group: GroupEntry[], username: string | undefined): number[] {
  if (username === undefined) return [];
  return group.filter((g) => g.name !== username && g.members.includes(username)).map((g) => g.gid);
}

/** containerd's `ensureAdditionalGids`: the primary gid first unless the list has it. */
function withPrimaryGid(gid: number, gids: number[]): number[] {
  return gids.includes(gid) ? gids : [gid, ...gids];
}

/**
 * Applies the image config: environment (image env, then the spec's own), args (entrypoint +
 * cmd, or entrypoint + `args` when given), working directory, user and additional groups
 * (containerd's `WithImageConfigArgs`).
 */
export function withImageConfig(image: Image, ...args: string[]): SpecOpt {
  return async (ctx, _c, spec) => {
    const { config: imageConfig } = await image.config(ctx.signal ? { signal: ctx.signal } : {});
    const config = imageConfig.config ?? {};
    const p = proc(spec);
    const defaults = config.Env && config.Env.length > 0 ? config.Env : [defaultPathEnv];
    p.env = replaceOrAppendEnv(defaults, p.env ?? []);
    p.args = [...(config.Entrypoint ?? []), ...(args.length > 0 ? args : (config.Cmd ?? []))];
    p.cwd = config.WorkingDir || '/';
    if (config.User) await applyUser(ctx, image, spec, config.User, true);
    else {
      // No user in the image: the spec's uid and gid stay; only root's groups are added, and an
      // image without /etc/passwd or /etc/group is fine (containerd's WithAdditionalGIDs("root")).
      const { group } = await imageFiles(ctx, image);
      p.user = { ...p.user, additionalGids: withPrimaryGid(p.user.gid, groupsListing(group, 'root')) };
    }
  };
}

/** Sets the process args. */
export function withProcessArgs(...args: string[]): SpecOpt {
  return (_ctx, _c, spec) => {
    if (args.length === 0) throw new InvalidArgumentError('withProcessArgs needs at least the program to run');
    proc(spec).args = args;
  };
}

/** Sets or replaces environment variables (`KEY=value`). */
export function withEnv(env: string[]): SpecOpt {
  return (_ctx, _c, spec) => {
    const p = proc(spec);
    p.env = replaceOrAppendEnv(p.env ?? [], env);
  };
}

/** Sets the working directory. */
export function withProcessCwd(cwd: string): SpecOpt {
  return (_ctx, _c, spec) => {
    proc(spec).cwd = cwd;
  };
}

/** Sets the hostname. */
export function withHostname(hostname: string): SpecOpt {
  return (_ctx, _c, spec) => {
    spec.hostname = hostname;
  };
}

/** Runs the process with a terminal. */
export function withTTY(): SpecOpt {
  return (_ctx, _c, spec) => {
    proc(spec).terminal = true;
  };
}

/**
 * Runs as `user` (`name`, `uid`, `name:group`, `uid:gid`), resolved in `image` when given.
 * The additional gids become the primary gid alone, as with containerd's `WithUser`.
 */
export function withUser(user: string, image?: Image): SpecOpt {
  return (ctx, _c, spec) => applyUser(ctx, image, spec, user, false);
}

/** Adds mounts. */
export function withMounts(mounts: SpecMount[]): SpecOpt {
  return (_ctx, _c, spec) => {
    spec.mounts = [...(spec.mounts ?? []), ...mounts];
  };
}

/** Adds annotations. */
export function withAnnotations(annotations: Record<string, string>): SpecOpt {
  return (_ctx, _c, spec) => {
    spec.annotations = { ...(spec.annotations ?? {}), ...annotations };
  };
}

/** Sets the memory limit in bytes. */
export function withMemoryLimit(bytes: number): SpecOpt {
  return (_ctx, _c, spec) => {
    spec.linux ??= {};
    spec.linux.resources ??= {};
    spec.linux.resources.memory = { ...(spec.linux.resources.memory ?? {}), limit: bytes };
  };
}

/** Uses the host's network namespace (drops the network namespace). */
export function withHostNetwork(): SpecOpt {
  return (_ctx, _c, spec) => {
    if (spec.linux?.namespaces) spec.linux.namespaces = spec.linux.namespaces.filter((n) => n.type !== 'network');
  };
}
