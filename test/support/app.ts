import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../apps/api/src/app.js';
import { configFromEnv, type AppConfig } from '../../apps/api/src/config.js';

export const TEST_KEYS = {
  editor: 'test-editor-key-0123456789abcdef',
  maintainer: 'test-maintainer-key-0123456789abcdef',
} as const;

export interface TestResponse {
  status: number;
  headers: Record<string, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON the route returns
  body: any;
  text: string;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  dataDir: string;
  /** Sends a request through the real app (Fastify inject: no socket, same pipeline). */
  request(options: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    url: string;
    body?: unknown;
    payload?: string | Buffer;
    as?: keyof typeof TEST_KEYS | 'none';
    headers?: Record<string, string>;
  }): Promise<TestResponse>;
  close(): Promise<void>;
}

/** A real app on a fresh data dir (real SQLite files), with known editor and maintainer keys. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = env.CLAIMLINE_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'claimline-test-'));
  const config = configFromEnv({
    CLAIMLINE_DATA_DIR: dataDir,
    CLAIMLINE_SEED: 'false',
    CLAIMLINE_API_KEYS: `test-editor:editor:${TEST_KEYS.editor},test-maintainer:maintainer:${TEST_KEYS.maintainer}`,
    CLAIMLINE_RATE_LIMIT: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const { app } = await createApp(config, { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    dataDir,
    async request({ method, url, body, payload, as = 'editor', headers = {} }) {
      const allHeaders: Record<string, string> = { ...headers };
      if (as !== 'none') allHeaders.authorization = `Bearer ${TEST_KEYS[as]}`;
      if (body !== undefined && !allHeaders['content-type']) allHeaders['content-type'] = 'application/json';
      const res = await app.getHttpAdapter().getInstance().inject({ method, url, headers: allHeaders, payload: payload ?? (body === undefined ? undefined : JSON.stringify(body)) });
      let parsed: unknown;
      try {
        parsed = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.statusCode, headers: res.headers, body: parsed, text: res.body };
    },
    async close() {
      await app.close();
      if (!env.CLAIMLINE_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
