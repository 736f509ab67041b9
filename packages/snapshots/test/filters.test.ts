import { isInvalidArgument } from '@proj/errdefs';
import { type Info, adaptInfo, parseFilters, parseSelectors } from '@proj/snapshots';
import test from 'ava';

const info = (name: string, kind: Info['kind'], parent?: string, labels: Record<string, string> = {}): Info => ({
  name,
  kind,
  labels,
  created: new Date(0),
  updated: new Date(0),
  ...(parent ? { parent } : {}),
});

const all = [
  info('a-np', 'active', undefined, { 'containerd.io/gc.root': 'check-walk' }),
  info('p', 'committed', undefined, { 'containerd.io/gc.root': 'check-walk' }),
  info('a', 'active', 'p', { 'containerd.io/gc.root': 'check-walk' }),
  info('v', 'view', 'p', { 'containerd.io/gc.root': 'check-walk' }),
  info('p-wl', 'committed', undefined, { l: '1', 'containerd.io/gc.root': 'check-walk' }),
  info('a-wl', 'active', 'p-wl', { l: '2', 'containerd.io/gc.root': 'check-walk' }),
  info('v-wl', 'view', 'p-wl', { l: '3', 'containerd.io/gc.root': 'check-walk' }),
  info('a-np-wl', 'active', undefined, { l: '2', 'containerd.io/gc.root': 'check-walk', 'a.b': 'dotted' }),
];

function matching(...filters: string[]): string[] {
  const filter = parseFilters(...filters);
  return all.filter((i) => filter.match(adaptInfo(i))).map((i) => i.name).sort();
}

const cases: Array<[string[], string[]]> = [
  [[], ['a-np', 'p', 'a', 'v', 'p-wl', 'a-wl', 'v-wl', 'a-np-wl']],
  [[''], ['a-np', 'p', 'a', 'v', 'p-wl', 'a-wl', 'v-wl', 'a-np-wl']],
  [['labels."containerd.io/gc.root"==check-walk'], ['a-np', 'p', 'a', 'v', 'p-wl', 'a-wl', 'v-wl', 'a-np-wl']],
  [['kind==active,labels."containerd.io/gc.root"==check-walk'], ['a-np', 'a', 'a-wl', 'a-np-wl']],
  [['kind==view'], ['v', 'v-wl']],
  [['kind==committed'], ['p', 'p-wl']],
  [['name==p', 'name==a-np-wl'], ['p', 'a-np-wl']],
  [['name==a-wl,labels.l'], ['a-wl']],
  [['parent==p'], ['a', 'v']],
  [['parent!=""'], ['a', 'v', 'a-wl', 'v-wl']],
  [['labels.l'], ['p-wl', 'a-wl', 'v-wl', 'a-np-wl']],
  [['labels.l==2'], ['a-wl', 'a-np-wl']],
  [['labels.l!=2'], ['a-np', 'p', 'a', 'v', 'p-wl', 'v-wl']],
  [['name~=^a-'], ['a-np', 'a-wl', 'a-np-wl']],
  [['name~=/^v/'], ['v', 'v-wl']],
  [['name~=|-wl$|'], ['p-wl', 'a-wl', 'v-wl', 'a-np-wl']],
  [['labels."a.b"==dotted'], ['a-np-wl']],
  [['labels.a.b==dotted'], ['a-np-wl']],
  [['  kind == view,parent == p'], ['v']],
  [['name=="a\\x2dnp"'], ['a-np']],
  [['nosuchfield==x'], []],
  [['nosuchfield'], []],
];

for (const [filters, expected] of cases) {
  test(`walk filter ${JSON.stringify(filters)}`, (t) => {
    t.deepEqual(matching(...filters), [...expected].sort());
  });
}

test('selectors keep containerd quirks: dots inside values, quoted field paths', (t) => {
  t.deepEqual(parseSelectors('name==sha256:ab.cd,labels."x.y"'), [
    { fieldpath: ['name'], operator: '==', value: 'sha256:ab.cd' },
    { fieldpath: ['labels', 'x.y'], operator: 'present', value: '' },
  ]);
});

const bad = [
  'name=',
  'name==',
  'name=!x',
  'name===x',
  'name==a b',
  '==x',
  ',',
  'name==x,',
  'labels.',
  'name=="unterminated',
  'name=="bad\\qescape"',
  'name==/slash/',
  'name~=/[/',
  'name~=(',
  '.name',
  'name\u0000==x',
  'a&b',
  'kind==view ,parent==p',
];

for (const input of bad) {
  test(`bad filter ${JSON.stringify(input)} is InvalidArgument`, (t) => {
    const error = t.throws(() => parseFilters('kind==active', input));
    t.true(isInvalidArgument(error), String(error));
    t.regex(error?.message ?? '', /filter/);
  });
}

const messages: Array<[string, string]> = [
  ['name==foo,', 'filters: parse error: [name==foo,]: expected field or quoted'],
  ['labels.', 'filters: parse error: [labels.]: expected field or quoted'],
  ['image~=,id?=?fbaq', 'filters: parse error: [image~= >|,|< id?=?fbaq]: expected value or quoted'],
  ['labels.ns/key==value', 'filters: parse error: [labels.ns >|/|< key==value]: quoted literal not terminated'],
  ['labels.key==/value', 'filters: parse error: [labels.key== >|/|< value]: quoted literal not terminated'],
];

for (const [input, message] of messages) {
  test(`parse error message for ${JSON.stringify(input)} matches containerd`, (t) => {
    t.is(t.throws(() => parseFilters(input))?.message, message);
  });
}
