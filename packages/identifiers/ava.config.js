export { default } from '@proj/tooling/ava';
