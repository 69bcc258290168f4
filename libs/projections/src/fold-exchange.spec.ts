import { MessageChannel } from 'node:worker_threads';
import type { ClaimFold } from './claim-view.js';
import { FOLDS_IN_FLIGHT, FoldReceiver, FoldSender } from './fold-exchange.js';

const foldOf = (claimId: string) => ({ claimId, assertions: [], discrepancies: new Map([['a|b', { seq: 1 }]]) }) as unknown as ClaimFold;
const foldsOf = (ids: string[]) => new Map(ids.map((id) => [id, foldOf(id)]));
const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => `claim-${from + i}`);
const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe(FoldReceiver.name, () => {
  it('gives the folds of the claims asked for once all have arrived, as copies', async () => {
    const { port1, port2 } = new MessageChannel();
    const sender = new FoldSender(port1);
    const sut = new FoldReceiver(port2);
    const sent = foldsOf(ids(0, 3));
    const taking = sut.take(ids(0, 4));
    await sender.send(sent);
    expect(await settled(taking)).toBe(false);
    await sender.send(foldsOf(ids(3, 1)));
    const taken = await taking;
    expect([...taken.keys()]).toEqual(ids(0, 4));
    expect(taken.get('claim-1')).toEqual(sent.get('claim-1'));
    expect(taken.get('claim-1')).not.toBe(sent.get('claim-1'));
    expect(taken.get('claim-1')!.discrepancies.get('a|b')).toEqual({ seq: 1 });
    sender.close();
    sut.close();
  });
});

describe(FoldSender.name, () => {
  it('waits while the receiver has not taken what is in flight, and goes on as it takes', async () => {
    const { port1, port2 } = new MessageChannel();
    const sut = new FoldSender(port1);
    const receiver = new FoldReceiver(port2);
    const chunk = FOLDS_IN_FLIGHT / 2;
    await sut.send(foldsOf(ids(0, chunk)));
    await sut.send(foldsOf(ids(chunk, chunk)));
    const third = sut.send(foldsOf(ids(2 * chunk, chunk)));
    expect(await settled(third)).toBe(false);
    await receiver.take(ids(0, chunk));
    expect(await settled(third)).toBe(true);
    expect((await receiver.take(ids(chunk, 2 * chunk))).size).toBe(2 * chunk);
    sut.close();
    receiver.close();
  });
});
