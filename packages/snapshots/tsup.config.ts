import { packageConfig } from '@proj/tooling/tsup';
export default packageConfig({ entry: { index: 'src/index.ts', testsuite: 'src/testsuite/index.ts' } });
