import { packageConfig } from '@proj/tooling/tsup';
export default packageConfig();
