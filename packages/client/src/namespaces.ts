import { create } from '@bufbuild/protobuf';
import { FieldMaskSchema } from '@bufbuild/protobuf/wkt';
import type { ClientContext } from './context.js';
import type { CallOptions } from './options.js';

/** The Namespaces service: every object lives in one namespace. */
export class NamespaceStore {
  readonly #ctx: ClientContext;

  /** @internal */
  constructor(ctx: ClientContext) {
    this.#ctx = ctx;
  }

  /** Names of every namespace. */
  async list(options: CallOptions = {}): Promise<string[]> {
    const r = await this.#ctx.services.namespaces.list({}, this.#ctx.call(options));
    return r.namespaces.map((n) => n.name);
  }

  /** Creates a namespace; AlreadyExists when it exists. */
  async create(name: string, labels: Record<string, string> = {}, options: CallOptions = {}): Promise<void> {
    await this.#ctx.services.namespaces.create({ namespace: { name, labels } }, this.#ctx.call(options));
  }

  /** Labels of a namespace; NotFound when it does not exist. */
  async labels(name: string, options: CallOptions = {}): Promise<Record<string, string>> {
    const r = await this.#ctx.services.namespaces.get({ name }, this.#ctx.call(options));
    return { ...(r.namespace?.labels ?? {}) };
  }

  /** Sets the given labels on a namespace (an empty value removes one); returns all its labels. */
  async setLabels(name: string, labels: Record<string, string>, options: CallOptions = {}): Promise<Record<string, string>> {
    await this.#ctx.services.namespaces.update(
      { namespace: { name, labels }, updateMask: create(FieldMaskSchema, { paths: Object.keys(labels).map((k) => `labels.${k}`) }) },
      this.#ctx.call(options),
    );
    // containerd 1.6 answers Update with an empty namespace: read the labels back.
    return this.labels(name, options);
  }

  /** Deletes an empty namespace; FailedPrecondition while it holds objects. */
  async delete(name: string, options: CallOptions = {}): Promise<void> {
    await this.#ctx.services.namespaces.delete({ name }, this.#ctx.call(options));
  }
}
