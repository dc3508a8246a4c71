import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** `npm run fuzz`: the long fuzz run only (test/fuzz/*.fuzz.ts), with no time limit per test. */
export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'),
  test: {
    include: ['test/fuzz/**/*.fuzz.ts'],
    testTimeout: 0,
    hookTimeout: 0,
    reporters: ['verbose'],
  },
});
