// Module hooks for a worker thread started from the TypeScript sources (under jest; see
// module-thread.ts): `.js` imports between sources resolve to their `.ts` files, `#domain` & co.
// to the sources tsconfig.json maps them to, and `.ts` files are compiled by swc with jest's settings.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const swc = require('@swc/core');

function repositoryRoot(from) {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'tsconfig.json'))) return dir;
  throw new Error(`no tsconfig.json above ${from}`);
}
const root = repositoryRoot(dirname(fileURLToPath(import.meta.url)));
const paths = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')).compilerOptions.paths ?? {};
const { swc: settings } = await import(pathToFileURL(join(root, 'jest.config.js')).href);

export async function resolve(specifier, context, next) {
  const mapped = paths[specifier]?.[0];
  if (mapped) return { url: pathToFileURL(join(root, mapped)).href, format: 'module', shortCircuit: true };
  if (context.parentURL?.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const source = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(fileURLToPath(source))) return { url: source.href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = await swc.transform(readFileSync(filename, 'utf8'), { ...settings, filename });
  return { format: 'module', source: code, shortCircuit: true };
}
