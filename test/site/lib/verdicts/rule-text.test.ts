// The rule text on the methods page is written from the rules' constants: changing any constant
// a rule reads changes that rule's text, and every constant has a meaning in the table.
import { describe, expect, it } from 'vitest';
import { CONSTANTS_OF, RULE_CONSTANTS, type RuleConstant } from '../../../../analysis/rules/v1-constants.js';
import { HYPOTHESES } from '../../../../data/hypotheses.js';
import { CONSTANT_MEANINGS, RULE_TEXTS_V1, ruleTexts } from '../../../../site/lib/verdicts/rule-text.js';

const names = Object.keys(RULE_CONSTANTS) as RuleConstant[];

describe('rule text', () => {
  it('states a rule for every hypothesis', () => {
    expect(Object.keys(RULE_TEXTS_V1).map(Number)).toEqual(HYPOTHESES.map((h) => h.id));
  });

  for (const [h, constants] of Object.entries(CONSTANTS_OF)) {
    for (const name of constants) {
      it(`H${h} changes when ${name} changes`, () => {
        const changed = ruleTexts({ ...RULE_CONSTANTS, [name]: RULE_CONSTANTS[name] * 2 + 0.37 });
        expect(changed[Number(h)]).not.toBe(RULE_TEXTS_V1[Number(h)]);
      });
    }
  }

  it('reads every constant in some rule', () => {
    for (const name of names) {
      const changed = ruleTexts({ ...RULE_CONSTANTS, [name]: RULE_CONSTANTS[name] * 2 + 0.37 });
      expect(
        HYPOTHESES.some((h) => changed[h.id] !== RULE_TEXTS_V1[h.id]),
        name,
      ).toBe(true);
    }
  });

  it('gives every constant a meaning', () => {
    expect(Object.keys(CONSTANT_MEANINGS).sort()).toEqual([...names].sort());
  });

  it('states in H6 which checkpoint is read, why, and that the method changed', () => {
    expect(RULE_TEXTS_V1[6]).toMatch(/first checkpoint at or after 10 % of its iterations/);
    expect(RULE_TEXTS_V1[6]).toMatch(/low almost by construction/);
    expect(RULE_TEXTS_V1[6]).toMatch(/already died by the early checkpoint are left out/);
    expect(RULE_TEXTS_V1[6]).toMatch(/Change of method, made before any data/);
  });
});
