import { isInvalidArgument } from '@proj/errdefs';
import {
  Kind,
  addUsage,
  isKind,
  kindWireValue,
  maxKeyLength,
  parseKind,
  validateKey,
  validateLabels,
  zeroUsage,
} from '@proj/snapshots';
import test from 'ava';

test('kinds parse from names and wire numbers', (t) => {
  t.is(parseKind('Active'), Kind.Active);
  t.is(parseKind('view'), Kind.View);
  t.is(parseKind(3), Kind.Committed);
  t.deepEqual(kindWireValue, { view: 1, active: 2, committed: 3 });
  t.true(isKind('committed'));
  t.false(isKind('unknown'));
  t.true(isInvalidArgument(t.throws(() => parseKind('bogus'))));
  t.true(isInvalidArgument(t.throws(() => parseKind(0))));
});

test('validateKey accepts digests and chain-id style keys, rejects path-like and over-long ones', (t) => {
  for (const ok of ['sha256:0123abcd', 'extract-12 sha256:ab', 'a..b', '.hidden', 'k'.repeat(maxKeyLength), 'ünïcode']) {
    t.notThrows(() => validateKey(ok), ok);
  }
  for (const bad of ['', '.', '..', 'a/b', '../x', 'a\\b', 'x\ny', 'nul\u0000', 'k'.repeat(maxKeyLength + 1), 'é'.repeat(513)]) {
    const error = t.throws(() => validateKey(bad));
    t.true(isInvalidArgument(error), JSON.stringify(bad.slice(0, 20)));
  }
  t.true(isInvalidArgument(t.throws(() => validateKey(42 as unknown as string))));
  t.regex(t.throws(() => validateKey('a/b', 'name'))?.message ?? '', /snapshot name "a\/b" contains "\/"/);
});

test('validateLabels applies the 4096-byte key+value limit', (t) => {
  t.notThrows(() => validateLabels(undefined));
  t.notThrows(() => validateLabels({ k: 'v'.repeat(4095) }));
  t.true(isInvalidArgument(t.throws(() => validateLabels({ k: 'v'.repeat(4096) }))));
  t.true(isInvalidArgument(t.throws(() => validateLabels({ k: 1 as unknown as string }))));
  t.true(isInvalidArgument(t.throws(() => validateLabels({ '': 'x' }))));
});

test('usages add up', (t) => {
  t.deepEqual(addUsage({ size: 4096, inodes: 1 }, { size: 8192, inodes: 3 }), { size: 12288, inodes: 4 });
  t.deepEqual(addUsage(zeroUsage, zeroUsage), { size: 0, inodes: 0 });
});
