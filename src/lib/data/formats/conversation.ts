// Multi-turn items (MT-Bench): reading turns from the shapes files hold them in, and checking a stored conversation.
import * as v from 'valibot';
import type { Conversation } from '../../judge/types';

const Message = v.looseObject({ content: v.string() });

/** The text of each turn of a list of strings or {content} messages; null for any other value. */
export function turnTexts(val: unknown): string[] | null {
  if (!Array.isArray(val)) return null;
  const out: string[] = [];
  for (const t of val as unknown[]) {
    if (typeof t === 'string') out.push(t);
    else if (v.is(Message, t)) out.push(t.content);
    else return null;
  }
  return out;
}

/**
 * The conversation of a question with several turns (MT-Bench's `turns`, optional `reference`
 * per turn) and, when given, each answer's turns. Undefined for a single-turn question.
 */
export function questionConversation(
  turns: unknown,
  reference: unknown,
  answersA: string[] = [],
  answersB?: string[],
): Conversation | undefined {
  const questions = turnTexts(turns);
  if (!questions || questions.length < 2) return undefined;
  const c: Conversation = { questions, answersA };
  if (answersB) c.answersB = answersB;
  const references = turnTexts(reference);
  if (references && references.length === questions.length) c.references = references;
  return c;
}

/** Arbiter's own rows (and workspace items) carry a conversation in the record's shape. */
export const ConversationSchema = v.object({
  questions: v.pipe(v.array(v.string()), v.minLength(2, 'a conversation has two or more turns')),
  answersA: v.array(v.string()),
  answersB: v.optional(v.array(v.string())),
  references: v.optional(v.array(v.string())),
});

/** The conversation of a row's `conversation` field, or a reason it is not one. */
export function readConversation(val: unknown): Conversation | string {
  const r = v.safeParse(ConversationSchema, val);
  if (!r.success)
    return `"conversation" is not {questions, answersA, answersB?, references?}: ${r.issues[0].message}`;
  const c: Conversation = { questions: r.output.questions, answersA: r.output.answersA };
  if (r.output.answersB) c.answersB = r.output.answersB;
  if (r.output.references) c.references = r.output.references;
  return c;
}
