/**
 * The shared EventStore contract, run through the real `@eventstore/db-client` against
 *  1. the EventStoreDB stand-in (always: an in-memory gRPC server under test/eventstoredb-stand-in), and
 *  2. a real EventStoreDB / KurrentDB node when CLAIMLINE_EVENTSTORE_URL points at one.
 */
import { describe, it } from '@jest/globals';
import { EventStoreDbEventStore } from '../../libs/event-store/src/eventstoredb-event-store.js';
import { startStandIn, type StandInHandle } from '../eventstoredb-stand-in/stand-in-server.js';
import { describeEventStoreContract } from './event-store.contract.js';

// One stand-in per suite; every store the suite opens is a new client of it.
let standIn: Promise<StandInHandle> | undefined;
describeEventStoreContract(
  'eventstoredb (stand-in server)',
  async () => {
    // 8 MiB appends, as docker-compose.yml configures the real node (its default is 1 MiB).
    standIn ??= startStandIn({ maxAppendSize: 8 * 1024 * 1024 });
    return new EventStoreDbEventStore((await standIn).url);
  },
  async () => {
    await (await standIn)?.stop();
    standIn = undefined;
  },
);

const url = process.env.CLAIMLINE_EVENTSTORE_URL?.trim();
if (url) {
  // Needs a node started with a max append size above 1 MiB (EVENTSTORE_MAX_APPEND_SIZE), as in docker-compose.yml.
  describeEventStoreContract(`eventstoredb (real server at ${url})`, async () => new EventStoreDbEventStore(url));
} else {
  console.warn(
    'Skipping the EventStore contract against a real EventStoreDB: set CLAIMLINE_EVENTSTORE_URL ' +
      '(e.g. esdb://localhost:2113?tls=false) to run it. The stand-in run above still covers the adapter.',
  );
  describe.skip('EventStore contract: eventstoredb (real server; set CLAIMLINE_EVENTSTORE_URL to run)', () => {
    it('runs the whole contract against the node at CLAIMLINE_EVENTSTORE_URL', () => undefined);
  });
}
