import { describe, expect, it } from 'vitest';
import { describeMediaError, initials, isPolite, peersToLink, readMediaState, stageOwner } from './mediaCore';

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

describe('camera-off tiles', () => {
  it('shows one or two initials', () => {
    expect(initials('Grace Hopper')).toBe('GH');
    expect(initials('  ada  ')).toBe('A');
    expect(initials('Jean Claude van Damme')).toBe('JD');
    expect(initials('émile zola')).toBe('ÉZ');
    expect(initials('')).toBe('?');
  });
});

describe('screen share stage', () => {
  it('reads the media state from an awareness state, defaulting to camera on', () => {
    expect(readMediaState({ media: { pid: 'p1', camera: false, screen: true } })).toEqual({ pid: 'p1', camera: false, screen: true });
    expect(readMediaState({ media: { pid: 'p1' } })).toEqual({ pid: 'p1', camera: true, screen: false });
    expect(readMediaState({ user: { name: 'x' } })).toBeNull();
    expect(readMediaState({ media: { camera: true } })).toBeNull();
    expect(readMediaState(null)).toBeNull();
  });
  it('puts your own share first, then the first peer who shares', () => {
    const peers = [{ id: 'a', screen: false }, { id: 'b', screen: true }, { id: 'c', screen: true }];
    expect(stageOwner(true, peers)).toBe('self');
    expect(stageOwner(false, peers)).toBe('b');
    expect(stageOwner(false, [{ id: 'a', screen: false }])).toBeNull();
  });
});
