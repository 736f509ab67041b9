export type { Mount } from '@proj/mount';
