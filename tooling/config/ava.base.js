// The one test mechanism of the workspace: ava runs TypeScript test files through the tsx
// loader; tests import the package under test by its name, so they exercise the built dist/
// entry (turbo builds before it tests). Worker threads are off because tests mount, chdir,
// change the umask and send signals, which threads cannot do safely.
export default {
  files: ['test/**/*.test.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '3m',
  concurrency: 2,
};
