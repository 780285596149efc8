// MT-Bench's multi-turn judge prompts, word for word as FastChat's judge_prompts.jsonl has them.
import type { JudgeItem, Template } from '../types';
import type { TurnsView, View } from './common';

type TurnsOf = View & { turns: TurnsView };

const NEUTRAL =
  'Avoid any positional biases and ensure that the order in which the responses were presented does not influence your decision. Do not allow the length of the responses to influence your evaluation. Do not favor certain names of the assistants. Be as objective as possible.';

const RATING =
  'After providing your explanation, you must rate the response on a scale of 1 to 10 by strictly following this format: "[[rating]]", for example: "Rating: [[5]]".';

/** FastChat's verdict sentence; Arbiter's no-tie and JSON options change only this sentence. */
function pairVerdict(v: View): string {
  if (v.json) return `After providing your explanation, give your verdict. ${v.json}`;
  const tie = v.allowTie ? ', and "[[C]]" for a tie.' : '.';
  return `After providing your explanation, output your final verdict by strictly following this format: "[[A]]" if assistant A is better, "[[B]]" if assistant B is better${tie}`;
}

function singleVerdict(v: View): string {
  return v.json ? `After providing your explanation, give your rating. ${v.json}` : RATING;
}

/** "### User:" / "### <who>:" blocks of every turn, as FastChat lays a conversation out. */
function dialogue(questions: string[], answers: string[], who: string): string {
  return questions.map((q, i) => `### User:\n${q}\n\n### ${who}:\n${answers[i]}\n\n`).join('');
}

function conversationBlock(t: TurnsView, answers: string[], letter: string): string {
  return (
    `<|The Start of Assistant ${letter}'s Conversation with User|>\n\n` +
    dialogue(t.questions, answers, `Assistant ${letter}`) +
    `<|The End of Assistant ${letter}'s Conversation with User|>`
  );
}

function referenceBlock(t: TurnsView): string {
  return (
    '<|The Start of Reference Answer|>\n\n' +
    dialogue(t.questions, t.references ?? [], 'Reference answer') +
    '<|The End of Reference Answer|>\n\n\n'
  );
}

/** pair-v2-multi-turn, or pair-math-v1-multi-turn when the turns have reference answers. */
export function pairMultiTurnSystem(v: TurnsOf): string {
  if (v.turns.references) {
    return `Please act as an impartial judge and evaluate the quality of the responses provided by two AI assistants to the user questions. Your evaluation should consider correctness and helpfulness. You will be given reference answers, the assistant A's answers, the assistant B's answers. Your job is to determine which assistant provides correct and helpful answers to the second user question. Begin your evaluation by comparing both assistants' answers with the reference answers. Identify and correct any mistakes. ${NEUTRAL} ${pairVerdict(v)}`;
  }
  return `Please act as an impartial judge and evaluate the quality of the responses provided by two AI assistants to the user questions. You should choose the assistant that follows the user's instructions and answers the user's questions better. Your evaluation should consider factors such as the helpfulness, relevance, accuracy, depth, creativity, and level of detail of their responses. You should focus on who provides a better answer to the second user question. Begin your evaluation by comparing the responses of the two assistants and provide a short explanation. ${NEUTRAL} ${pairVerdict(v)}`;
}

export function pairMultiTurnUser(v: TurnsOf): string {
  const t = v.turns;
  const ref = t.references ? referenceBlock(t) : '';
  return `${ref}${conversationBlock(t, t.first, 'A')}\n\n\n${conversationBlock(t, t.second, 'B')}`;
}

/** single-v1-multi-turn, or single-math-v1-multi-turn when the turns have reference answers. */
export function singleMultiTurnSystem(v: TurnsOf): string {
  if (v.turns.references) {
    return `Please act as an impartial judge and evaluate the quality of the response provided by an AI assistant to the user question. Your evaluation should consider correctness and helpfulness. You will be given a reference answer and the assistant's answer. You evaluation should focus on the assistant's answer to the second question. Begin your evaluation by comparing the assistant's answer with the reference answer. Identify and correct any mistakes. Be as objective as possible. ${singleVerdict(v)}\n\n`;
  }
  return `Please act as an impartial judge and evaluate the quality of the response provided by an AI assistant to the user question displayed below. Your evaluation should consider factors such as the helpfulness, relevance, accuracy, depth, creativity, and level of detail of the response. You evaluation should focus on the assistant's answer to the second user question. Begin your evaluation by providing a short explanation. Be as objective as possible. ${singleVerdict(v)}\n\n`;
}

export function singleMultiTurnUser(v: TurnsOf): string {
  const t = v.turns;
  const ref = t.references ? referenceBlock(t) : '';
  return `${ref}${conversationBlock(t, t.answer, 'A')}`;
}

/**
 * FastChat's name for the prompt this template judges this item with, when it judges the whole
 * conversation of a multi-turn item (its judgment files' `judge[1]`, with `turn: 2`); else null.
 */
export function multiTurnPromptName(template: Template, item: JudgeItem): string | null {
  const c = item.conversation;
  if (!template.multiTurn || !c || c.questions.length < 2) return null;
  const math = c.references?.length === c.questions.length;
  if (template.kind === 'pairwise') return math ? 'pair-math-v1-multi-turn' : 'pair-v2-multi-turn';
  return math ? 'single-math-v1-multi-turn' : 'single-v1-multi-turn';
}
