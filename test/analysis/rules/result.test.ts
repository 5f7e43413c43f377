// Combining units into an outcome, including ties between supporting and contradicting units.
import { describe, expect, it } from 'vitest';
import { byAll, byMajority, tally, type UnitOutcome } from '../../../analysis/rules/result.js';

const units = (...outcomes: UnitOutcome[]) => outcomes.map((outcome) => ({ outcome }));

describe('combining units', () => {
  it('majority: supported only by a strict majority without a contradicting unit', () => {
    expect(byMajority(units('supports', 'supports', 'unclear'))).toBe('supported');
    expect(byMajority(units('supports', 'supports', 'contradicts'))).toBe('inconclusive');
    expect(byMajority(units('contradicts', 'insufficient'))).toBe('contradicted');
    // a tie (one of two informative units) is no majority
    expect(byMajority(units('supports', 'unclear'))).toBe('inconclusive');
    expect(byMajority(units('contradicts', 'unclear'))).toBe('inconclusive');
    expect(byMajority(units('insufficient'))).toBe('inconclusive');
    expect(byMajority([])).toBe('inconclusive');
  });
  it('all: one contradicting unit refutes a universal claim', () => {
    expect(byAll(units('supports', 'supports', 'insufficient'))).toBe('supported');
    expect(byAll(units('supports', 'contradicts'))).toBe('contradicted');
    expect(byAll(units('supports', 'unclear'))).toBe('inconclusive');
    expect(byAll([])).toBe('inconclusive');
  });
  it('counts each kind of unit', () => {
    expect(tally(units('supports', 'insufficient', 'unclear', 'supports'))).toEqual({
      informative: 3,
      supports: 2,
      contradicts: 0,
      unclear: 1,
      insufficient: 1,
    });
  });
});
