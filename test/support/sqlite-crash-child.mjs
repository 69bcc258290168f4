// Child process for test/contract/sqlite-crash.spec.ts: appends continuously through the SQLite
// adapter (compiled to plain JS by the spec) and prints one line per acknowledged event, until it
// is SIGKILLed. Usage: node sqlite-crash-child.mjs <adapter module> <db file> <auto|worker|inline>
const [modulePath, file, writer] = process.argv.slice(2);
const { SqliteEventStore } = await import(modulePath);
const store = SqliteEventStore.open(file, { writer });

// stdout to a pipe is synchronous on Linux: a printed line reached the parent before the next append.
const say = (line) => process.stdout.write(`${line}\n`);
say('ready');

const writers = 8;
let seq = 0;
await Promise.all(
  Array.from({ length: writers }, async (_, w) => {
    const stream = `crash-${w}`;
    let revision = -1;
    for (;;) {
      // Mixed sizes so batches hold appends of 1 to 3 events.
      const count = 1 + ((seq + w) % 3);
      const events = Array.from({ length: count }, () => ({ id: `${process.pid}-${w}-${++seq}`, type: 'crash.tick', data: { w, seq, pad: 'x'.repeat(seq % 500) } }));
      const { nextRevision, position } = await store.append(stream, events, { expectedRevision: revision === -1 ? 'no_stream' : revision });
      for (const [i, e] of events.entries()) say(`ack ${stream} ${e.id} ${nextRevision - count + 1 + i} ${i === count - 1 ? position : '-'}`);
      revision = nextRevision;
    }
  }),
);
