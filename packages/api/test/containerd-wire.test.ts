// The generated descriptors of four services (containers, snapshots, tasks, shim task v2) have
// exactly containerd v1.6.20's wire shape: every enum value, every field's number, name and
// type, every rpc's request, response and streaming kind. The expected list is
// test/fixtures/containerd-v1.6.20-wire.txt, written from containerd's own .proto files.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { ScalarType, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { allFiles } from '@proj/api';

const packages = [
  'containerd.services.containers.v1',
  'containerd.services.snapshots.v1',
  'containerd.services.tasks.v1',
  'containerd.task.v2',
];
const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'containerd-v1.6.20-wire.txt');

/** Parses the fixture into `header -> lines` (comments skipped). */
async function expected(): Promise<Map<string, string[]>> {
  const blocks = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of (await readFile(fixture, 'utf8')).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('  ')) current.push(line.trim());
    else blocks.set(line, (current = []));
  }
  return blocks;
}

function scalarName(type: ScalarType): string {
  return ScalarType[type].toLowerCase();
}

function valueType(field: DescField): string {
  switch (field.fieldKind) {
    case 'scalar':
      return scalarName(field.scalar);
    case 'enum':
      return field.enum.typeName;
    case 'message':
      return field.message.typeName;
    case 'list':
      if (field.listKind === 'scalar') return `repeated ${scalarName(field.scalar)}`;
      return `repeated ${field.listKind === 'enum' ? field.enum.typeName : field.message.typeName}`;
    case 'map': {
      const value = field.mapKind === 'scalar' ? scalarName(field.scalar) : field.mapKind === 'enum' ? field.enum.typeName : field.message.typeName;
      return `map<${scalarName(field.mapKey)},${value}>`;
    }
  }
}

/** The same `header -> lines` shape, from the package's generated descriptors. */
function generated(): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  const addEnum = (desc: DescEnum) =>
    blocks.set(`enum ${desc.typeName}`, desc.values.map((value) => `${value.number} ${value.name}`));
  const addMessage = (desc: DescMessage) => {
    blocks.set(`message ${desc.typeName}`, desc.fields.map((field) => `${field.number} ${field.name} ${valueType(field)}`));
    desc.nestedEnums.forEach(addEnum);
    desc.nestedMessages.forEach(addMessage);
  };
  for (const file of allFiles) {
    if (!packages.includes(file.proto.package)) continue;
    file.enums.forEach(addEnum);
    file.messages.forEach(addMessage);
    for (const service of file.services) {
      for (const method of service.methods) {
        const clientStream = method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming';
        const serverStream = method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming';
        blocks.set(
          `rpc ${service.typeName}/${method.name} (${clientStream ? 'stream ' : ''}${method.input.typeName}) returns (${serverStream ? 'stream ' : ''}${method.output.typeName})`,
          [],
        );
      }
    }
  }
  return blocks;
}

test('containers, snapshots, tasks and shim task v2 have containerd 1.6.20\'s wire shape', async (t) => {
  const want = await expected();
  const have = generated();
  t.true(want.size > 130, `the fixture lists ${want.size} blocks; it should hold every message, enum and rpc`);
  t.deepEqual([...have.keys()].sort(), [...want.keys()].sort(), 'messages, enums or rpcs differ from containerd 1.6.20');
  for (const [header, lines] of want) t.deepEqual(have.get(header), lines, header);
});
