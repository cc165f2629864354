import { describe, expect, it } from 'vitest';
import { isPolite } from './mediaCore';
import { isOfferCollision, opensLink, SignalQueue, shouldIgnoreOffer, type DescriptionArrival } from './negotiation';

const arrival = (overrides: Partial<DescriptionArrival>): DescriptionArrival => ({
  type: 'offer',
  makingOffer: false,
  signalingState: 'stable',
  settingRemoteAnswer: false,
  ...overrides,
});

describe('offer collisions', () => {
  it('an offer in a stable state is taken by either side', () => {
    expect(isOfferCollision(arrival({}))).toBe(false);
    expect(shouldIgnoreOffer(false, arrival({}))).toBe(false);
  });

  it('an offer while we make ours collides: impolite ignores it, polite takes it', () => {
    for (const state of [arrival({ makingOffer: true }), arrival({ signalingState: 'have-local-offer' })]) {
      expect(isOfferCollision(state)).toBe(true);
      expect(shouldIgnoreOffer(false, state)).toBe(true);
      expect(shouldIgnoreOffer(true, state)).toBe(false);
    }
  });

  it('an offer while the remote answer is being applied is not a collision', () => {
    const state = arrival({ signalingState: 'have-local-offer', settingRemoteAnswer: true });
    expect(isOfferCollision(state)).toBe(false);
    expect(shouldIgnoreOffer(false, state)).toBe(false);
  });

  it('an answer never collides', () => {
    const state = arrival({ type: 'answer', makingOffer: true, signalingState: 'have-local-offer' });
    expect(shouldIgnoreOffer(false, state)).toBe(false);
  });
});

describe('who opens the link', () => {
  it('exactly one end of every pair, the impolite one', () => {
    const ids = ['a1', 'b2', 'c3', '0f', 'ff'];
    for (const a of ids) {
      for (const b of ids) {
        if (a === b) continue;
        expect(opensLink(a, b) !== opensLink(b, a)).toBe(true);
        expect(opensLink(a, b)).toBe(!isPolite(a, b));
      }
    }
  });
});

describe('SignalQueue', () => {
  const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs a slow task to the end before starting the next', async () => {
    const log: string[] = [];
    const queue = new SignalQueue(() => undefined);
    void queue.push(async () => {
      log.push('answer start');
      await tick(20);
      log.push('answer applied');
    });
    void queue.push(async () => {
      log.push('offer judged');
    });
    await queue.push(async () => {
      log.push('candidate added');
    });
    expect(log).toEqual(['answer start', 'answer applied', 'offer judged', 'candidate added']);
  });

  it('reports a failing task and goes on with the next', async () => {
    const errors: unknown[] = [];
    const log: string[] = [];
    const queue = new SignalQueue((error) => errors.push(error));
    void queue.push(async () => {
      throw new Error('bad candidate');
    });
    await queue.push(async () => {
      log.push('next');
    });
    expect(errors).toHaveLength(1);
    expect(log).toEqual(['next']);
  });
});
