/**
 * Looks up a field of the object being filtered. `fieldpath` is the dotted path of the selector
 * split into parts (`labels."a.b"` gives `['labels', 'a.b']`). Returns the value, or
 * `undefined` when the object has no such field.
 */
export type Adaptor = (fieldpath: readonly string[]) => string | undefined;

/** A parsed filter: a predicate over objects seen through an {@link Adaptor}. */
export interface Filter {
  /** Whether the object behind `adaptor` passes the filter. */
  match(adaptor: Adaptor): boolean;
}

/** The comparison of one selector. `present` tests that the field exists. */
export type Operator = 'present' | '==' | '!=' | '~=';

/** One `<fieldpath><op><value>` term of a filter. */
export interface Selector {
  fieldpath: string[];
  operator: Operator;
  value: string;
}

/** The filter that passes everything (an empty filter string, or no filters at all). */
export const always: Filter = { match: () => true };

/** Passes when any of `filters` passes (the list of filter strings of a List request). */
export function any(filters: readonly Filter[]): Filter {
  return { match: (adaptor) => filters.some((f) => f.match(adaptor)) };
}

/** Passes when all of `filters` pass (the comma-separated selectors of one string). */
export function all(filters: readonly Filter[]): Filter {
  return { match: (adaptor) => filters.every((f) => f.match(adaptor)) };
}

/**
 * The filter of one selector, with containerd's semantics: `==` needs the field present and
 * equal; `!=` passes when the value differs, a missing field counting as `""`; `~=` tests the
 * regular expression against the value (`""` when missing).
 */
export function selectorFilter(selector: Selector, re?: RegExp): Filter {
  const { fieldpath, operator, value } = selector;
  return {
    match(adaptor) {
      const found = adaptor(fieldpath);
      switch (operator) {
        case 'present':
          return found !== undefined;
        case '==':
          return found !== undefined && found === value;
        case '!=':
          return (found ?? '') !== value;
        case '~=':
          return re !== undefined && re.test(found ?? '');
      }
    },
  };
}
