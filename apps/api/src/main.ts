import { configFromEnv } from './config.js';
import { createApp } from './app.js';

async function main(): Promise<void> {
  const config = configFromEnv();
  const { app, generatedKeys, seeded } = await createApp(config);
  await app.listen({ port: config.port, host: process.env.HOST ?? '0.0.0.0' });
  if (generatedKeys.length > 0) {
    // Printed once, on the start that generated them; afterwards they live only in the data dir.
    process.stdout.write(
      `\nclaimline generated API keys (stored in ${config.store.dataDir}/api-keys.json, mode 0600):\n` +
        generatedKeys.map((k) => `  ${k.role.padEnd(10)} ${k.key}`).join('\n') +
        '\n\n',
    );
  }
  if (seeded) process.stdout.write(`Loaded the seeds: ${seeded.sources} sources, ${seeded.claims} claims, ${seeded.assertions} assertions.\n`);
  process.stdout.write(`claimline listening on http://localhost:${config.port} (store: ${config.store.kind}, data: ${config.store.dataDir})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`claimline failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
