import { randomBytes } from 'node:crypto';
import { fromTimestamp } from '@proj/api';
import type { ClientContext } from './context.js';
import { labels as wellKnown } from './labels.js';
import type { CallOptions } from './options.js';

/** A lease: objects created under it are kept from garbage collection until it goes. */
export interface Lease {
  id: string;
  createdAt?: Date;
  labels: Record<string, string>;
}

/** Options of {@link LeaseManager.create}. */
export interface LeaseCreateOptions extends CallOptions {
  /** Lease id; default a random one in the Go client's format (`<nanos>-<4 chars>`). */
  id?: string;
  /** Expiry from now in milliseconds (label `containerd.io/gc.expire`); default 24 h, 0 for none. */
  expiresInMs?: number;
  labels?: Record<string, string>;
}

/** A lease id in the Go client's format: nanoseconds of the current second, a dash, 4 base64url chars. */
export function generateLeaseId(): string {
  const nanos = (process.hrtime.bigint() % 1_000_000_000n).toString();
  return `${nanos}-${randomBytes(3).toString('base64url')}`;
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The Leases service. */
export class LeaseManager {
  readonly #ctx: ClientContext;

  /** @internal */
  constructor(ctx: ClientContext) {
    this.#ctx = ctx;
  }

  /** Creates a lease (by default expiring in 24 h, as the Go client's). */
  async create(options: LeaseCreateOptions = {}): Promise<Lease> {
    const expires = options.expiresInMs ?? 24 * 60 * 60 * 1000;
    const labels = { ...(options.labels ?? {}) };
    if (expires > 0) labels[wellKnown.gcExpire] = rfc3339(new Date(Date.now() + expires));
    const r = await this.#ctx.services.leases.create({ id: options.id ?? generateLeaseId(), labels }, this.#ctx.call(options));
    return toLease(r.lease);
  }

  /** Deletes a lease; with `sync`, waits for the garbage collection it triggers. */
  async delete(id: string, options: CallOptions & { sync?: boolean } = {}): Promise<void> {
    await this.#ctx.services.leases.delete({ id, sync: options.sync ?? false }, this.#ctx.call(options));
  }

  /** Leases matching any of `filters` (fields `id`, `labels.<k>`). */
  async list(filters: string[] = [], options: CallOptions = {}): Promise<Lease[]> {
    const r = await this.#ctx.services.leases.list({ filters }, this.#ctx.call(options));
    return r.leases.map(toLease);
  }

  /** The resources a lease holds, as `{id, type}` (`content`, `snapshots/<snapshotter>`, ...). */
  async resources(id: string, options: CallOptions = {}): Promise<{ id: string; type: string }[]> {
    const r = await this.#ctx.services.leases.listResources({ id }, this.#ctx.call(options));
    return r.resources.map((res) => ({ id: res.id, type: res.type }));
  }
}

function toLease(lease: { id: string; createdAt?: Parameters<typeof fromTimestamp>[0]; labels: Record<string, string> } | undefined): Lease {
  const out: Lease = { id: lease?.id ?? '', labels: { ...(lease?.labels ?? {}) } };
  const created = fromTimestamp(lease?.createdAt);
  if (created) out.createdAt = created;
  return out;
}
