#!/usr/bin/env node
/**
 * The baselines of the HTTP benchmarks: a bare Fastify (the same fastify package Nest's adapter
 * uses), started as a child exactly like claimline, with no Nest, no validation, no domain and no
 * projections.
 *
 * - GET /claims/:id answers the bytes in BARE_GET_BODY_FILE (a claim as claimline served it).
 * - POST /claims/:id/assertions (only when BARE_STORE_FILE is set) appends the request body as one
 *   event to `claim-<id>` through claimline's SqliteEventStore (durable: synchronous=FULL, group
 *   commit) and answers 201: the durable write path with nothing else around it.
 * - GET /health answers 200 (readiness); PUT /__bench/body re-reads the body file (set-up only).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { dist } from './common.mjs';

const file = process.env.BARE_GET_BODY_FILE;
let body = file ? readFileSync(file) : Buffer.from('{}');
const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024 });

app.get('/health', async () => ({ status: 'ok' }));
// Set-up only: read the body file again (the bench captures it from claimline after the writes).
app.put('/__bench/body', async () => {
  if (file) body = readFileSync(file);
  return { bytes: body.length };
});
app.get('/claims/:id', (_request, reply) => {
  void reply.header('content-type', 'application/json; charset=utf-8').send(body);
});

let store;
if (process.env.BARE_STORE_FILE) {
  const { SqliteEventStore } = await import(dist('libs/event-store/src/sqlite-event-store.js'));
  store = SqliteEventStore.open(process.env.BARE_STORE_FILE);
  app.post('/claims/:id/assertions', async (request, reply) => {
    const result = await store.append(`claim-${request.params.id}`, [
      { id: randomUUID(), type: 'claimline.assertion-recorded', data: request.body, metadata: { actor: 'bench', recordedAt: new Date().toISOString() } },
    ]);
    return reply.status(201).send({ revision: result.nextRevision, position: result.position });
  });
}

await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
const stop = async () => {
  await app.close();
  await store?.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
