#!/usr/bin/env node
// Runs every package's tests through turbo (one package at a time), passes the output through,
// and closes with one line that adds them up: `Tests: N passed, N failed, N skipped`.
// With PROJ_TEST_ROOT=1 (CI) a skipped test fails the run: nothing may be silently skipped.
import { spawn } from 'node:child_process';

const counts = { passed: 0, failed: 0, skipped: 0, todo: 0, 'known failure': 0 };
const patterns = [
  [/(\d+) tests? passed/, 'passed'],
  [/(\d+) tests? failed/, 'failed'],
  [/(\d+) tests? skipped/, 'skipped'],
  [/(\d+) tests? todo/, 'todo'],
  [/(\d+) known failures?/, 'known failure'],
  [/(\d+) uncaught exceptions?/, 'failed'],
  [/(\d+) unhandled rejections?/, 'failed'],
];
const skippedTitles = [];

const child = spawn('npx', ['turbo', 'run', 'test', '--concurrency=1', ...process.argv.slice(2)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let pending = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  pending += chunk.toString();
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) tally(line);
});
child.on('close', (code) => {
  if (pending) tally(pending);
  const requireRoot = process.env.PROJ_TEST_ROOT === '1';
  console.log(`Tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  if (requireRoot && counts.skipped > 0) {
    console.error(`PROJ_TEST_ROOT=1: ${counts.skipped} skipped test(s) fail the run:\n${skippedTitles.join('\n')}`);
    process.exit(1);
  }
  if (counts.passed === 0) {
    console.error('no test ran');
    process.exit(1);
  }
  process.exit(code ?? 1);
});

function tally(line) {
  // Turbo prefixes each line with "<package>:test: "; ava's summary lines follow it.
  const text = line.replace(/^[^\s]+:test:\s*/, '').trim();
  if (text.startsWith('- [skip]')) skippedTitles.push(line.trim());
  for (const [pattern, key] of patterns) {
    const match = pattern.exec(text);
    if (match && text.startsWith(match[1])) counts[key] += Number(match[1]);
  }
}
