import { describe, expect, it } from 'vitest';
import { describeMediaError, isPolite, peersToLink } from './mediaCore';

describe('media errors', () => {
  it('explains a denied camera and a missing one differently', () => {
    const denied = describeMediaError(new DOMException('x', 'NotAllowedError'));
    const missing = describeMediaError(new DOMException('x', 'NotFoundError'));
    expect(denied).toMatch(/denied/);
    expect(missing).toMatch(/No camera/);
    expect(describeMediaError('weird')).toMatch(/could not be started/);
    expect(describeMediaError(new DOMException('x', 'NotAllowedError'), 'screen')).toMatch(/Screen sharing/);
  });
});

describe('perfect negotiation roles', () => {
  it('makes exactly one side polite', () => {
    expect(isPolite('a', 'b')).not.toBe(isPolite('b', 'a'));
  });
  it('links to everyone present except yourself', () => {
    const people = [
      { participant_id: 'me', role: 'interviewer', name: 'I' },
      { participant_id: 'p1', role: 'candidate', name: 'C', connected: true },
      { participant_id: 'p2', role: 'candidate', name: 'Gone', connected: false },
    ];
    expect(peersToLink('me', people)).toEqual(['p1']);
  });
});
