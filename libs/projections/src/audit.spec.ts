import { eachSpec, openClaim, recordAssertion, registerSource } from '../../../test/support/read-model-spec.js';
import { auditProjection, AuditModel } from './audit.js';

describe(AuditModel.name, () => {
  const spec = eachSpec(auditProjection);

  beforeEach(async () => {
    await spec().givenBy('desk', registerSource('s-1', 'The ministry said the units will arrive in 2026, officials confirmed.'));
    await spec().givenBy('editor', openClaim('c-1'), recordAssertion('c-1', 'a-1', 's-1', 'will arrive in 2026', 'in 2026'));
  });

  it('answers every event as the log holds it, in log order, page by page', async () => {
    const log = await spec().store.readAll();

    const first = await spec().model.events({ limit: 2 });
    const second = await spec().model.events({ limit: 2, after: first.next! });
    const items = [...first.items, ...second.items];
    expect(items.map((e) => [e.position, e.type, e.stream, e.actor])).toEqual(log.map((e) => [e.position, e.type, e.stream, e.metadata.actor]));
    expect(items.map((e) => e.data)).toEqual(log.map((e) => e.data));
    expect(items.at(-1)).toMatchObject({ claimId: 'c-1' });
    expect(second.next).toBeNull();
  });

  it('finds the events of a stream, a type, an actor and a time', async () => {
    const types = async (filter: Parameters<AuditModel['events']>[0]) => (await spec().model.events(filter)).items.map((e) => e.type);

    expect(await types({ limit: 10, actor: 'desk' })).toEqual(['claimline.source-registered']);
    expect(await types({ limit: 10, stream: 'claim-c-1' })).toEqual(['claimline.claim-opened', 'claimline.assertion-recorded']);
    expect(await types({ limit: 10, type: 'claimline.assertion-recorded' })).toEqual(['claimline.assertion-recorded']);
    const [, second] = (await spec().model.events({ limit: 10 })).items;
    expect(await types({ limit: 10, since: second!.recordedAt, until: second!.recordedAt })).toEqual(['claimline.claim-opened']);
  });
});
