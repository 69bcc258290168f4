import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../apps/api/src/app.js';
import { configFromEnv } from '../../apps/api/src/config.js';

describe('API keys when CLAIMLINE_API_KEYS is unset', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'claimline-keys-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = configFromEnv({ CLAIMLINE_DATA_DIR: dataDir, CLAIMLINE_SEED: 'false', LOG_LEVEL: 'debug' });

  it('generates one key per role once, stores them 0600, uses them, and never logs them', async () => {
    const lines: string[] = [];
    const { app, generatedKeys } = await createApp(config, { logDestination: { write: (line: string) => lines.push(line) } });
    try {
      expect(generatedKeys.map((k) => k.role).sort()).toEqual(['editor', 'maintainer']);
      expect(statSync(join(dataDir, 'api-keys.json')).mode & 0o777).toBe(0o600);
      const editor = generatedKeys.find((k) => k.role === 'editor')!.key;
      const fastify = app.getHttpAdapter().getInstance();
      const opened = await fastify.inject({ method: 'POST', url: '/claims', headers: { authorization: `Bearer ${editor}` }, payload: { subject: 's', predicate: 'p', valueType: 'text' } });
      expect(opened.statusCode).toBe(201);
      const refused = await fastify.inject({ method: 'GET', url: '/admin/projections', headers: { authorization: `Bearer ${editor}` } });
      expect(refused.statusCode).toBe(403);
      expect(lines.length).toBeGreaterThan(0);
      for (const k of generatedKeys) expect(lines.join('\n')).not.toContain(k.key);
    } finally {
      await app.close();
    }

    const again = await createApp(config, { logger: false });
    try {
      expect(again.generatedKeys).toEqual([]);
      expect(JSON.parse(readFileSync(join(dataDir, 'api-keys.json'), 'utf8'))).toEqual(generatedKeys);
    } finally {
      await again.app.close();
    }
  });
});
