/**
 * What the room tells people about comings and goings: "Ivy left the room", "Ivy is back".
 *
 * Pure (a clock and a scheduler are injected), so the rules are unit-tested: a drop shorter than
 * the settle time (a reload, a network blip) says nothing at all; a real departure is announced
 * once; a return after it is announced once. The same person rejoining is one participant (the
 * server gives them the same id), so nobody ever appears twice.
 */
export type PresenceState = 'here' | 'away' | 'gone';

export interface PresenceNoticesOptions {
  /** How long a dropped connection may stay away before it counts as leaving. */
  settleMs: number;
  announce: (text: string, id: string, kind: 'joined' | 'left' | 'back') => void;
  schedule: (fn: () => void, ms: number) => number;
  cancel: (handle: number) => void;
}

export class PresenceNotices {
  private readonly pending = new Map<string, number>();
  private readonly announcedLeft = new Set<string>();
  private readonly known = new Set<string>();

  constructor(private readonly options: PresenceNoticesOptions) {}

  /** Everyone present in a welcome: known, nothing announced. */
  reset(ids: Iterable<string>): void {
    for (const handle of this.pending.values()) this.options.cancel(handle);
    this.pending.clear();
    this.announcedLeft.clear();
    this.known.clear();
    for (const id of ids) this.known.add(id);
  }

  joined(id: string, name: string): void {
    const handle = this.pending.get(id);
    if (handle !== undefined) {
      // Back before anyone was told they had gone: nothing to say.
      this.options.cancel(handle);
      this.pending.delete(id);
      return;
    }
    if (this.announcedLeft.delete(id)) this.options.announce(`${name} is back`, id, 'back');
    else if (!this.known.has(id)) this.options.announce(`${name} joined the room`, id, 'joined');
    this.known.add(id);
  }

  away(id: string, name: string): void {
    if (this.pending.has(id) || this.announcedLeft.has(id)) return;
    this.pending.set(id, this.options.schedule(() => {
      this.pending.delete(id);
      this.announcedLeft.add(id);
      this.options.announce(`${name} left the room`, id, 'left');
    }, this.options.settleMs));
  }

  /** Gone for good (the room forgot them): announced now if it was not yet. */
  left(id: string, name: string): void {
    const handle = this.pending.get(id);
    if (handle !== undefined) {
      this.options.cancel(handle);
      this.pending.delete(id);
    }
    if (this.announcedLeft.has(id)) return;
    this.announcedLeft.add(id);
    this.options.announce(`${name} left the room`, id, 'left');
  }

  dispose(): void {
    for (const handle of this.pending.values()) this.options.cancel(handle);
    this.pending.clear();
  }
}

/** The label a person's chip carries besides their name. */
export function presenceLabel(state: PresenceState): string {
  return state === 'here' ? '' : state === 'away' ? 'reconnecting' : 'left';
}
