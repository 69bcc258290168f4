import { connect, type AddressInfo, type Socket } from 'node:net';
import { EVENT_STORE, type EventStore } from '#event-store';
import { createTestApp, TEST_KEYS, type TestApp } from '../support/app.js';

/** Reads server-sent events from a live response until `until` holds or time runs out. */
async function readEvents(response: Response, until: (events: { id: string; event: string; data: unknown }[]) => boolean, ms = 5000) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: { id: string; event: string; data: unknown }[] = [];
  let buffer = '';
  const deadline = Date.now() + ms;
  while (!until(events) && Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ value: undefined; done: true }>((r) => (timer = setTimeout(() => r({ value: undefined, done: true }), deadline - Date.now())));
    const { value, done } = await Promise.race([reader.read(), timeout]);
    clearTimeout(timer);
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim() ?? '';
      if (field('data')) events.push({ id: field('id'), event: field('event'), data: JSON.parse(field('data')) });
    }
  }
  await reader.cancel();
  return events;
}

describe('the live feed and the global feed', () => {
  let sut: TestApp;
  let base: string;

  beforeAll(async () => {
    sut = await createTestApp();
    await sut.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(sut.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => sut.close());

  const openClaim = (subject: string) =>
    fetch(`${base}/claims`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEYS.editor}` },
      body: JSON.stringify({ subject, predicate: 'p', valueType: 'text' }),
    }).then((r) => r.json() as Promise<{ id: string; position: number }>);

  it('streams new events live as server-sent events named by type, with the position as id', async () => {
    const response = await fetch(`${base}/stream`);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const opened = openClaim('live one');
    const events = await readEvents(response, (e) => e.some((x) => x.event === 'claimline.claim-opened'));
    const { id, position } = await opened;
    const ev = events.find((x) => x.event === 'claimline.claim-opened')!;
    expect(ev.id).toBe(String(position));
    expect(ev.data).toMatchObject({ stream: `claim-${id}`, type: 'claimline.claim-opened', data: { subject: 'live one' } });
  });

  it('resumes after Last-Event-ID with what was missed, in order', async () => {
    const a = await openClaim('missed a');
    const b = await openClaim('missed b');
    const response = await fetch(`${base}/stream`, { headers: { 'last-event-id': String(a.position - 1) } });
    const events = await readEvents(response, (e) => e.length >= 2);
    expect(events.slice(0, 2).map((e) => Number(e.id))).toEqual([a.position, b.position]);
  });

  it('replays after Last-Event-ID only as fast as the client reads: one that stops holds one event in the server, not the log', async () => {
    // ~6 MB of log: 60 sources of 100 KB.
    for (let i = 0; i < 60; i++) {
      const res = await sut.request({ method: 'POST', url: '/sources', body: { title: `bulk ${i}`, publishedAt: '2025-12-04', text: `${i} ${'remaining deliveries slipped again. '.repeat(2800)}` } });
      expect(res.status).toBe(201);
    }
    const sockets = new Set<Socket>();
    const track = (socket: Socket): void => void sockets.add(socket);
    sut.app.getHttpServer().on('connection', track);
    const client = connect((sut.app.getHttpServer().address() as AddressInfo).port, '127.0.0.1');
    client.on('error', () => undefined);
    client.write('GET /stream HTTP/1.1\r\nHost: x\r\nLast-Event-ID: -1\r\n\r\n');
    client.pause();
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const [serverSide] = [...sockets];
      // Node's buffer above the socket: below its high-water mark plus the one event that crossed it.
      expect(serverSide!.writableLength).toBeLessThan(16 * 1024 + 150 * 1024);
      let received = 0;
      client.on('data', (chunk: Buffer) => (received += chunk.length));
      client.resume();
      const deadline = Date.now() + 20_000;
      while (received < 6_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(received).toBeGreaterThan(6_000_000);
    } finally {
      client.destroy();
      sut.app.getHttpServer().off('connection', track);
    }
  }, 60_000);

  it('pages the global feed by position', async () => {
    const first = await sut.request({ method: 'GET', url: '/events?limit=2' });
    expect(first.body.items).toHaveLength(2);
    const next = await sut.request({ method: 'GET', url: `/events?after=${first.body.next}&limit=2` });
    expect(next.body.items[0].position).toBeGreaterThan(first.body.items[1].position);
    expect(next.body.items[0]).toMatchObject({ actor: 'test-editor', metadata: { actor: 'test-editor', schemaVersion: 1 } });
  });

  it("answers GET /events with the log's own events, filtered by stream, type, actor and recorded-at", async () => {
    const a = await openClaim('audit a');
    const b = await openClaim('audit b');
    const recorded = await sut.request({ method: 'POST', url: '/sources', as: 'maintainer', body: { title: 'audit source', publishedAt: '2025-12-04', text: 'Deliveries are due by September 2026.' } });
    expect(recorded.status).toBe(201);
    const store = sut.app.get<EventStore>(EVENT_STORE);
    const log = await store.readAll({ fromPosition: a.position });
    const all = (await sut.request({ method: 'GET', url: `/events?after=${a.position - 1}&limit=1000` })).body.items;
    expect(all).toEqual(log.map(({ created: _, ...event }) => ({ ...event, actor: event.metadata.actor, recordedAt: event.metadata.recordedAt, claimId: event.stream.startsWith('claim-') ? event.stream.slice(6) : null })));

    const ofB = (await sut.request({ method: 'GET', url: `/events?stream=claim-${b.id}` })).body.items;
    expect(ofB.map((e: { position: number }) => e.position)).toEqual([b.position]);
    expect(ofB[0]).toMatchObject({ claimId: b.id, data: { subject: 'audit b' } });
    const byMaintainer = (await sut.request({ method: 'GET', url: `/events?after=${a.position - 1}&actor=test-maintainer` })).body.items;
    expect(byMaintainer.map((e: { type: string }) => e.type)).toEqual(['claimline.source-registered']);
    const opened = (await sut.request({ method: 'GET', url: `/events?after=${a.position - 1}&type=claimline.claim-opened` })).body.items;
    expect(opened.map((e: { claimId: string }) => e.claimId)).toEqual([a.id, b.id]);
    const until = all[1].recordedAt as string;
    const early = (await sut.request({ method: 'GET', url: `/events?after=${a.position - 1}&until=${encodeURIComponent(until)}` })).body.items;
    expect(early.map((e: { position: number }) => e.position)).toEqual(all.filter((e: { recordedAt: string }) => e.recordedAt <= until).map((e: { position: number }) => e.position));
  });

  it('documents every endpoint of the HTTP contract in OpenAPI', async () => {
    const doc = (await sut.request({ method: 'GET', url: '/docs-json' })).body;
    const routes = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const contract = [
      'GET /health', 'POST /values/parse', 'POST /values/compare', 'POST /sources', 'GET /sources', 'GET /sources/{id}',
      'POST /sources/{id}/revisions', 'GET /sources/{id}/revisions', 'POST /claims', 'GET /claims', 'GET /claims/{id}',
      'GET /claims/{id}/timeline', 'GET /claims/{id}/events', 'POST /claims/{id}/assertions',
      'POST /claims/{id}/assertions/{aid}/corrections', 'POST /claims/{id}/assertions/{aid}/retractions', 'POST /claims/{id}/verdicts',
      'GET /sources/{id}/suggestions', 'GET /discrepancies', 'GET /events', 'GET /stream', 'GET /export/claimreview', 'GET /admin/projections', 'POST /admin/projections/rebuild',
    ];
    expect(routes).toEqual(expect.arrayContaining(contract));
  });
});
