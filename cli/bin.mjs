#!/usr/bin/env node
// `npx arbiter` from the repo: runs the built CLI (npm run build:cli, also run by `prepare`).
import { existsSync } from 'node:fs';

const built = new URL('./dist/arbiter.mjs', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('arbiter: the CLI is not built yet. Run: npm run build:cli\n');
  process.exit(2);
}
await import(built.href);
