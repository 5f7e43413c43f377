// The v1 verdict of every hypothesis of the brief, computed from the datasets. Pure.
import { HYPOTHESES } from '../../data/hypotheses.js';
import { h1V1, type H1V1Verdict } from '../hypotheses/h1.js';
import { h2V1, type H2V1Verdict } from '../hypotheses/h2.js';
import { h3V1, type H3V1Verdict } from '../hypotheses/h3.js';
import { h4V1, type H4V1Verdict } from '../hypotheses/h4.js';
import { h5V1, type H5V1Verdict } from '../hypotheses/h5.js';
import { h6V1, type H6V1Verdict } from '../hypotheses/h6.js';
import { h7V1, type H7V1Verdict } from '../hypotheses/h7.js';
import { h8V1, type H8V1Verdict } from '../hypotheses/h8.js';
import { h9V1, type H9V1Verdict } from '../hypotheses/h9.js';
import { contextOf, studiesFor, type Context, type VerdictInput } from '../rules/v1-context.js';

export type AnyV1Verdict = H1V1Verdict | H2V1Verdict | H3V1Verdict | H4V1Verdict | H5V1Verdict | H6V1Verdict | H7V1Verdict | H8V1Verdict | H9V1Verdict;

const V1_RULES: Record<number, (ctx: Context) => AnyV1Verdict> = { 1: h1V1, 2: h2V1, 3: h3V1, 4: h4V1, 5: h5V1, 6: h6V1, 7: h7V1, 8: h8V1, 9: h9V1 };

/** The v1 verdict of every hypothesis of the brief, in order, with its pending configurations. */
export function v1Verdicts(input: VerdictInput): AnyV1Verdict[] {
  const ctx = contextOf(input);
  return HYPOTHESES.map((h) => {
    const pending = new Set(studiesFor(h.id, input).flatMap((s) => s.pending));
    const v = V1_RULES[h.id](ctx);
    return { ...v, evidence: { ...v.evidence, pending: pending.size } };
  });
}
