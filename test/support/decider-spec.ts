import { expect } from '@jest/globals';

/** A decider as the domain writes them: pure decide and evolve over one stream's events. */
export interface Decider<C, E, S, X> {
  decide(command: C, state: S, context: X): E[];
  evolve(state: S, event: E): S;
  initialState(): S;
}

/**
 * given(events).when(command, context?).then(events) | .thenRefuses(kind, field?) | .thenThrows(check):
 * a decider's behaviour, with no container and no store. `context` defaults to `defaultContext`.
 */
export function deciderSpec<C, E, S, X>(decider: Decider<C, E, S, X>, defaultContext: X) {
  return (...events: E[]) => {
    const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState());
    return {
      when(command: C, context: X = defaultContext) {
        const run = () => decider.decide(command, state, context);
        return {
          then: (expected: E[]) => expect(run()).toEqual(expected),
          /** A DomainError of this kind, naming this field when given. */
          thenRefuses: (kind: string, field?: string) => expect(thrownBy(run)).toMatchObject({ name: 'DomainError', kind, ...(field === undefined ? {} : { field }) }),
          thenThrows: (check: (error: unknown) => void) => check(thrownBy(run)),
        };
      },
    };
  };
}

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the command to be refused, but it was accepted');
}
