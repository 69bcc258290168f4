import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a module of this code base as a worker thread. Compiled JavaScript (dist, or a test's
 * compiled copy) is loaded as it is. The TypeScript sources, which jest runs through swc, are not
 * something Node can load, so that worker first registers typescript-hooks.mjs (swc compiling each
 * .ts module as it is imported): the same path works under jest and from dist.
 */
export function startModuleThread(module: URL, options: WorkerOptions = {}): Worker {
  // Host flags are wrong for a worker (V8 ones such as --max-old-space-size make it refuse to
  // start), except a CPU profile's: the worker then writes its own, under its default name.
  const profiling = process.execArgv.filter((flag) => flag === '--cpu-prof' || flag.startsWith('--cpu-prof-dir='));
  const settings: WorkerOptions = { execArgv: profiling, ...options };
  if (!fileURLToPath(module).endsWith('.ts')) return new Worker(module, settings);
  const hooks = new URL('./typescript-hooks.mjs', import.meta.url).href;
  const boot = `import { register } from 'node:module'; register(${JSON.stringify(hooks)}); await import(${JSON.stringify(module.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), settings);
}
