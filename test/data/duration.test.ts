// The one duration format, at the edges of its three units and for an unknown time.
import { describe, expect, it } from 'vitest';
import { duration } from '../../data/duration.js';

describe('duration', () => {
  it('reads seconds below 90 s, minutes below 90 min, hours above', () => {
    expect(duration(0)).toBe('0 s');
    expect(duration(89.4)).toBe('89 s');
    expect(duration(90)).toBe('1.5 min');
    expect(duration(5399)).toBe('90.0 min');
    expect(duration(5400)).toBe('1.5 h');
    expect(duration(24.6 * 3600)).toBe('24.6 h');
  });

  it('says n/a for a time it cannot know', () => {
    expect(duration(Number.POSITIVE_INFINITY)).toBe('n/a');
    expect(duration(Number.NaN)).toBe('n/a');
  });
});
