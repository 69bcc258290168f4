#!/usr/bin/env node
// The `claimline` command: runs the compiled CLI (apps/cli/src/main.ts, built into dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/apps/cli/src/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('claimline: the CLI is not built yet; run `npm run build` in the claimline directory first.\n');
  process.exit(1);
}
await import(main.href);
