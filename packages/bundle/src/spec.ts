import { InvalidArgumentError } from '@proj/errdefs';

/** An OCI runtime spec as the caller has it: the raw JSON bytes, a JSON string, or a parsed object. */
export type SpecInput = Uint8Array | string | object;

/** The spec as it goes to disk (bytes, untouched when given as bytes) and the parsed object. */
export interface PreparedSpec {
  bytes: Uint8Array;
  parsed: Record<string, unknown>;
}

/**
 * Turns the caller's spec into the bytes `config.json` receives and a parsed view of them.
 * Bytes and strings are written verbatim (they are containerd's `spec.value`); objects are
 * serialised with `JSON.stringify`. The spec must be a JSON object.
 *
 * @throws InvalidArgumentError naming the task id when the spec is not a JSON object
 */
export function prepareSpec(spec: SpecInput, id: string): PreparedSpec {
  let bytes: Uint8Array;
  let parsed: unknown;
  if (spec instanceof Uint8Array || typeof spec === 'string') {
    bytes = typeof spec === 'string' ? Buffer.from(spec, 'utf8') : spec;
    try {
      parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    } catch (err) {
      throw new InvalidArgumentError(`invalid spec for task id "${id}": not valid JSON (${(err as Error).message})`, {
        cause: err,
      });
    }
  } else if (spec !== null && typeof spec === 'object') {
    parsed = spec;
    bytes = Buffer.from(JSON.stringify(spec), 'utf8');
  } else {
    throw new InvalidArgumentError(`invalid spec for task id "${id}": expected bytes, a JSON string or an object`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`invalid spec for task id "${id}": the OCI spec must be a JSON object`);
  }
  return { bytes, parsed: parsed as Record<string, unknown> };
}

/**
 * The host GID that container GID 0 maps to (`linux.gidMappings`), when the spec sets up a user
 * namespace; containerd then makes the bundle 0710 and group-owned by that GID so the remapped
 * root can reach it.
 */
export function remappedRootGid(spec: Record<string, unknown>): number | undefined {
  const linux = spec.linux;
  if (linux === null || typeof linux !== 'object') return undefined;
  const mappings = (linux as { gidMappings?: unknown }).gidMappings;
  if (!Array.isArray(mappings)) return undefined;
  for (const mapping of mappings) {
    if (mapping === null || typeof mapping !== 'object') continue;
    const { containerID, hostID } = mapping as { containerID?: unknown; hostID?: unknown };
    if (containerID === 0 && typeof hostID === 'number' && Number.isInteger(hostID) && hostID >= 0) return hostID;
  }
  return undefined;
}
