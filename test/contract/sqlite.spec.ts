import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../libs/event-store/src/sqlite-event-store.js';
import { describeEventStoreContract } from './event-store.contract.js';

// Real SQLite files in a temp dir; each store the suite opens gets its own file.
const dir = mkdtempSync(join(tmpdir(), 'claimline-sqlite-contract-'));
let n = 0;

describeEventStoreContract(
  'sqlite (default: auto writer)',
  async () => SqliteEventStore.open(join(dir, `auto-${++n}`, 'events.sqlite'), { pollIntervalMs: 200 }),
);

describeEventStoreContract(
  'sqlite (worker writer)',
  async () => SqliteEventStore.open(join(dir, `worker-${++n}`, 'events.sqlite'), { writer: 'worker', pollIntervalMs: 200 }),
);

describeEventStoreContract(
  'sqlite (inline writer)',
  async () => SqliteEventStore.open(join(dir, `inline-${++n}`, 'events.sqlite'), { writer: 'inline', pollIntervalMs: 200 }),
  async () => rmSync(dir, { recursive: true, force: true }),
);
