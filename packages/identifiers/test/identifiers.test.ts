import test from 'ava';
import { isInvalidArgument } from '@proj/errdefs';
import { identifierPattern, maxIdentifierLength, validateIdentifier } from '@proj/identifiers';

test('accepts containerd identifiers', (t) => {
  for (const id of ['a', 'default', 'k8s.io', 'my_container-1', 'A1.b2_c3-d4', 'x'.repeat(maxIdentifierLength)]) {
    t.notThrows(() => validateIdentifier(id), id);
    t.regex(id, identifierPattern);
  }
});

test('refuses bad identifiers with InvalidArgument naming the value and the rule', (t) => {
  const cases: Array<[unknown, RegExp]> = [
    ['', /must not be empty/],
    ['x'.repeat(maxIdentifierLength + 1), /77 characters, longer than the maximum of 76/],
    ['bad id!', /"bad id!": must be alphanumerics separated by single/],
    ['-leading', /"-leading"/],
    ['trailing.', /"trailing\."/],
    ['dou..ble', /"dou\.\.ble"/],
    ['a/b', /"a\/b"/],
    ['..', /"\.\."/],
    [42, /42 \(number\): must be a string/],
    [undefined, /undefined: must be a string/],
  ];
  for (const [value, message] of cases) {
    const err = t.throws(() => validateIdentifier(value, 'container id'));
    t.true(isInvalidArgument(err), String(value));
    t.regex(err!.message, /^invalid container id /);
    t.regex(err!.message, message);
  }
});
