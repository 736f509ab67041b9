import type { Info } from '../info.js';
import type { Adaptor } from './filter.js';

/**
 * The {@link Adaptor} for snapshot {@link Info}: fields `kind` (`active`, `view`,
 * `committed`), `name`, `parent` (`""` for a base layer) and `labels.<key>`, as in containerd's
 * metadata store. Any other field is absent.
 */
export function adaptInfo(info: Info): Adaptor {
  return (fieldpath) => {
    switch (fieldpath[0]) {
      case 'kind':
        return info.kind;
      case 'name':
        return info.name;
      case 'parent':
        return info.parent ?? '';
      case 'labels': {
        if (fieldpath.length < 2) return undefined;
        const key = fieldpath.slice(1).join('.');
        return Object.hasOwn(info.labels, key) ? info.labels[key] : undefined;
      }
      default:
        return undefined;
    }
  };
}
