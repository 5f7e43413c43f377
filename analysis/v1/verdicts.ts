// The v1 verdict of every hypothesis of the brief, computed from the datasets. Pure.
import { HYPOTHESES } from '../../data/hypotheses.js';
import { h1, type H1Verdict } from './h1.js';
import { h2, type H2Verdict } from './h2.js';
import { h3, type H3Verdict } from './h3.js';
import { h4, type H4Verdict } from './h4.js';
import { h5, type H5Verdict } from './h5.js';
import { h6, type H6Verdict } from './h6.js';
import { h7, type H7Verdict } from './h7.js';
import { h8, type H8Verdict } from './h8.js';
import { h9, type H9Verdict } from './h9.js';
import { contextOf, studiesFor, type Context, type VerdictInput } from './verdict.js';

export type AnyVerdict = H1Verdict | H2Verdict | H3Verdict | H4Verdict | H5Verdict | H6Verdict | H7Verdict | H8Verdict | H9Verdict;

const RULES: Record<number, (ctx: Context) => AnyVerdict> = { 1: h1, 2: h2, 3: h3, 4: h4, 5: h5, 6: h6, 7: h7, 8: h8, 9: h9 };

/** The verdict of every hypothesis of the brief, in order. */
export function computeVerdicts(input: VerdictInput): AnyVerdict[] {
  const ctx = contextOf(input);
  return HYPOTHESES.map((h) => {
    const pending = new Set(studiesFor(h.id, input).flatMap((s) => s.pending));
    return { ...RULES[h.id](ctx), pending: pending.size };
  });
}
