import { describe, expect, it } from 'vitest';
import { dropGrant, loadGrant, saveGrant } from './grant';

class MemoryStorage implements Storage {
  private data = new Map<string, string>();
  get length(): number { return this.data.size; }
  clear(): void { this.data.clear(); }
  getItem(key: string): string | null { return this.data.get(key) ?? null; }
  key(i: number): string | null { return [...this.data.keys()][i] ?? null; }
  removeItem(key: string): void { this.data.delete(key); }
  setItem(key: string, value: string): void { this.data.set(key, value); }
}

describe('room grants', () => {
  it('round-trips a grant per interview', () => {
    const s = new MemoryStorage();
    saveGrant(s, { token: 't', interview_id: 'i1', participant_id: 'p', name: 'Ann', audio: true, video: false });
    expect(loadGrant(s, 'i1')).toMatchObject({ token: 't', name: 'Ann', video: false });
    expect(loadGrant(s, 'i2')).toBeNull();
    dropGrant(s, 'i1');
    expect(loadGrant(s, 'i1')).toBeNull();
  });
  it('ignores corrupt or foreign entries', () => {
    const s = new MemoryStorage();
    s.setItem('onsite.room.i1', '{not json');
    expect(loadGrant(s, 'i1')).toBeNull();
    s.setItem('onsite.room.i1', JSON.stringify({ token: 't', interview_id: 'other' }));
    expect(loadGrant(s, 'i1')).toBeNull();
  });
});
