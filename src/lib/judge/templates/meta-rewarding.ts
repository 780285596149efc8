// Self-Rewarding / Meta-Rewarding: the additive 5-point rubric (`Score: n`) and its meta-judge.
import { defineTemplate, type View } from './common';

/** The additive rubric, in this project's words; each point builds on the ones before. */
const RUBRIC = `Points add up as follows:
- Add 1 point if the answer is relevant and gives some information related to the question, even if it is incomplete or includes some irrelevant content.
- Add a 2nd point if it covers a substantial part of the question but does not fully resolve it or answer it directly.
- Add a 3rd point if it answers the basic elements of the question in a useful way, whether or not it reads like an AI assistant or like a blog or search result.
- Add a 4th point if it is clearly written from an AI assistant's point of view, answers the question directly and completely, and is well organised and helpful, with only slight room for improvement in clarity, concision or focus.
- Add a 5th point if it is tailored to the question without flaw, has no extraneous information, shows expert knowledge, and is an engaging, insightful, high-quality answer.`;

function explain(v: View, what: string): string {
  return v.thinkingModel
    ? `After thinking, justify ${what} in at most 100 words.`
    : `Briefly justify ${what} in at most 100 words.`;
}

export const metaRewardingScore = defineTemplate({
  id: 'meta-rewarding-score',
  version: 1,
  family: 'meta-rewarding',
  kind: 'single',
  label: 'Additive 5-point score',
  description:
    'Self-Rewarding additive rubric: one point per criterion met, 0 to 5, as "Score: n".',
  allowsTie: false,
  acceptsReference: true,
  scoreRange: [0, 5],
  format: 'additive-score',
  user: (v) => {
    const ref = v.reference === null ? '' : `<reference>${v.reference}</reference>\n`;
    const end = v.json ? v.json : 'Then end with the total in the form "Score: <total points>".';
    return (
      `Review the user's question and the answer below, and score the answer with the additive 5-point system described here.\n${RUBRIC}\n\n` +
      `<question>${v.prompt}</question>\n${ref}<response>${v.answer}</response>\n\n` +
      `${explain(v, 'your total score')} ${end}`
    );
  },
});

export const metaRewardingMeta = defineTemplate({
  id: 'meta-rewarding-meta',
  version: 1,
  family: 'meta-rewarding',
  kind: 'meta',
  label: 'Meta-judge',
  description: 'Given an answer and two judgments of it, says which judgment is more accurate.',
  allowsTie: false,
  format: 'meta-winner',
  verdictTokens: { A: 'A', B: 'B' },
  user: (v) => {
    const end = v.json ? v.json : 'Then end with "Winner: Judgement A" or "Winner: Judgement B".';
    return (
      `Review the user's question and the answer, then two judgments of that answer. Decide which judgment applies the rubric below more accurately: the right score for the right reasons.\n` +
      `The rubric the judgments used:\n${RUBRIC}\n\n` +
      `<question>${v.prompt}</question>\n<response>${v.answer}</response>\n` +
      `<judgement A>${v.first}</judgement A>\n<judgement B>${v.second}</judgement B>\n\n` +
      `${explain(v, 'your choice')} ${end}`
    );
  },
});
