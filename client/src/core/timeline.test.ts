import { describe, expect, it } from 'vitest';

import { clock, markersOf, percentOf, spanOf, stepAtTime } from './timeline';

describe('timeline', () => {
  const runs = [
    { created_at: '2026-12-01T10:00:30Z', started_by: 'Grace', result: { status: 'ok' } },
    { created_at: '2026-12-01T10:01:00Z', started_by: 'Grace', result: { status: 'accepted', tests: [], passed: 3, total: 3 } },
  ];
  const chat = [{ sent_at: '2026-12-01T10:00:10Z', author_name: 'Ada', text: 'hello' }];
  const activity = [
    { created_at: '2026-12-01T10:00:20Z', author_name: 'Grace', kind: 'paste', detail: { chars: 412 } },
    { created_at: '2026-12-01T10:00:40Z', author_name: 'Grace', kind: 'blur', detail: {} },
    { created_at: '2026-12-01T10:00:50Z', author_name: 'Grace', kind: 'visible', detail: { away_ms: 38_000 } },
  ];

  it('orders markers by time, with test runs apart from runs and blur noise dropped', () => {
    const markers = markersOf(runs, chat, activity);
    expect(markers.map((m) => m.kind)).toEqual(['chat', 'paste', 'run', 'tab', 'tests']);
    expect(markers[1]!.label).toBe('Grace pasted 412 characters');
    expect(markers[3]!.label).toBe('Grace left the tab for 38 s');
    expect(markers[4]!.label).toBe('Test run by Grace: 3 of 3 passed');
  });

  it('finds the step at a moment and places moments on the track', () => {
    const times = [10, 20, 20, 30];
    expect(stepAtTime(times, 5)).toBe(0);
    expect(stepAtTime(times, 20)).toBe(3);
    expect(stepAtTime(times, 99)).toBe(4);
    const span = spanOf(times, [{ at: 50, kind: 'run', label: '' }]);
    expect(span).toEqual({ start: 10, end: 50 });
    expect(percentOf(30, span.start, span.end)).toBe(50);
    expect(clock(125_000)).toBe('02:05');
  });
});
