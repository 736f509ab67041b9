import type { Message } from '@bufbuild/protobuf';
import type { Any } from '@bufbuild/protobuf/wkt';
import { fromTimestamp, unpackAnyFromRegistry } from '@proj/api';
import type { ClientContext } from './context.js';
import type { CallOptions } from './options.js';

/** One event from the daemon's event stream. */
export interface Event {
  timestamp?: Date;
  namespace: string;
  /** e.g. `/tasks/exit`, `/containers/create`, `/images/create`. */
  topic: string;
  /** The decoded event message (e.g. `containerd.events.TaskExit`), when its type is known. */
  event?: Message;
  /** The event as sent. */
  raw?: Any;
}

/** Options of `subscribe`. */
export interface SubscribeOptions extends CallOptions {
  /**
   * containerd filters over `namespace`, `topic` and `event.<field>`; any may match. Default:
   * this client's namespace only (`namespace==<ns>`); pass `[]` for every namespace.
   */
  filters?: string[];
}

/** Subscribes to events until the iteration stops or the signal aborts. */
export async function* subscribe(ctx: ClientContext, options: SubscribeOptions = {}): AsyncGenerator<Event> {
  const filters = options.filters ?? [`namespace==${ctx.namespace}`];
  for await (const envelope of ctx.services.events.subscribe({ filters }, ctx.call(options))) {
    const out: Event = { namespace: envelope.namespace, topic: envelope.topic };
    const ts = fromTimestamp(envelope.timestamp);
    if (ts) out.timestamp = ts;
    if (envelope.event) {
      out.raw = envelope.event;
      try {
        out.event = unpackAnyFromRegistry(envelope.event);
      } catch {
        // Unknown event type: keep it raw, as ctr does.
      }
    }
    yield out;
  }
}

/** Publishes an event in the client's namespace (topic like `/my/topic`; the event a packed message). */
export async function publish(ctx: ClientContext, topic: string, event: Any, options: CallOptions = {}): Promise<void> {
  await ctx.services.events.publish({ topic, event }, ctx.call(options));
}
