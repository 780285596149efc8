// Arena-Hard and MT-Bench model answers: a question file plus one answers file per model become pairs against a chosen baseline.
import { questionConversation, turnTexts } from './conversation';
import { clip, typeName } from './labels';
import type { ImportedItem, RowError, SourceRow } from './types';

interface Question {
  prompt: string;
  category?: string;
  /** The question_id as the file has it (MT-Bench's are numbers, and FastChat keys games by them). */
  sourceId: string | number;
  /** Every turn and the per-turn `reference`, as in the file (MT-Bench has two turns). */
  turns: unknown;
  reference: unknown;
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined;
}

/** The first turn's text of Arena-Hard `turns` ([{content}] or strings). */
function firstTurn(turns: unknown): string | undefined {
  if (!Array.isArray(turns) || turns.length === 0) return undefined;
  const t: unknown = turns[0];
  if (typeof t === 'string') return t;
  if (typeof t === 'object' && t !== null && 'content' in t) return str(t.content);
  return undefined;
}

/** A question row: Arena-Hard's {question_id, turns:[{content}], cluster} or Arbiter's {id, prompt, cluster}. */
function readQuestion(v: unknown): { id: string; q: Question } | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return `question is not a JSON object (got ${typeName(v)})`;
  const r = v as Record<string, unknown>;
  const id = str(r.question_id) ?? str(r.id);
  if (!id) return 'question has no question_id';
  const prompt = firstTurn(r.turns) ?? str(r.prompt);
  if (!prompt || prompt.trim() === '')
    return `question ${clip(id, 60)} has no prompt (turns or prompt)`;
  const category = str(r.cluster) ?? str(r.category);
  const sourceId = typeof r.question_id === 'number' ? r.question_id : id;
  const q: Question = { prompt, sourceId, turns: r.turns, reference: r.reference };
  if (category !== undefined) q.category = category;
  return { id, q };
}

/** An answer's first turn, and every turn (Arena-Hard: [{content}], MT-Bench: two strings). */
interface Answer {
  text: string;
  turns: string[];
}

/** An answer row: {question_id, model_id?, choices:[{turns:[{content}]}]}. */
function readAnswer(v: unknown): { qid: string; model?: string; answer: Answer } | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return `answer is not a JSON object (got ${typeName(v)})`;
  const r = v as Record<string, unknown>;
  const qid = str(r.question_id);
  if (!qid) return 'answer has no question_id';
  const choices = r.choices;
  const choice: unknown = Array.isArray(choices) ? choices[0] : undefined;
  const text =
    typeof choice === 'object' && choice !== null && 'turns' in choice
      ? firstTurn(choice.turns)
      : str(r.answer ?? r.output);
  if (text === undefined) return `answer to ${clip(qid, 60)} has no choices[0].turns[0].content`;
  const turns = (typeof choice === 'object' && choice !== null && 'turns' in choice
    ? turnTexts(choice.turns)
    : null) ?? [text];
  const answer = { text, turns };
  const model = str(r.model_id) ?? str(r.model);
  return model === undefined ? { qid, answer } : { qid, model, answer };
}

/** One model's answers file. `model` defaults to the rows' model_id, else the file name. */
export interface AnswerFile {
  model: string;
  rows: Iterable<SourceRow>;
}

/** The questions by id and every model's answers by question id; bad rows become errors. */
function readFiles(
  questions: Iterable<SourceRow>,
  answers: readonly AnswerFile[],
): { qs: Map<string, Question>; byModel: Map<string, Map<string, Answer>>; errors: RowError[] } {
  const errors: RowError[] = [];
  const qs = new Map<string, Question>();
  for (const row of questions) {
    const q = readQuestion(row.value);
    if (typeof q === 'string') errors.push({ line: row.line, reason: `questions: ${q}` });
    else qs.set(q.id, q.q);
  }
  const byModel = new Map<string, Map<string, Answer>>();
  for (const file of answers) {
    const m = byModel.get(file.model) ?? new Map<string, Answer>();
    byModel.set(file.model, m);
    for (const row of file.rows) {
      const a = readAnswer(row.value);
      if (typeof a === 'string')
        errors.push({ line: row.line, id: file.model, reason: `${file.model}: ${a}` });
      else if (!qs.has(a.qid))
        errors.push({
          line: row.line,
          id: a.qid,
          reason: `${file.model}: no question ${clip(a.qid, 60)} in the questions file`,
        });
      else m.set(a.qid, a.answer);
    }
  }
  return { qs, byModel, errors };
}

/** The conversation (and turn 1 reference) of a multi-turn question, onto an item. */
function withTurns(item: ImportedItem, q: Question, a: Answer, b?: Answer): ImportedItem {
  const conversation = questionConversation(q.turns, q.reference, a.turns, b?.turns);
  if (conversation) {
    item.conversation = conversation;
    if (conversation.references) item.reference = conversation.references[0]!;
  }
  if (q.category !== undefined) item.category = q.category;
  return item;
}

/**
 * Every model's answer to every question as a single-answer item (FastChat's MT-Bench `single`
 * mode grades each answer alone, 1-10). Errors name the file as pairArenaHard's do.
 */
export function singleAnswers(
  questions: Iterable<SourceRow>,
  answers: readonly AnswerFile[],
): { items: ImportedItem[]; errors: RowError[] } {
  const { qs, byModel, errors } = readFiles(questions, answers);
  const items: ImportedItem[] = [];
  for (const [model, ans] of byModel) {
    for (const [qid, q] of qs) {
      const a = ans.get(qid);
      if (a === undefined) continue;
      const item: ImportedItem = {
        id: `${qid}:${model}`,
        prompt: q.prompt,
        responseA: a.text,
        modelA: model,
        meta: { question_id: q.sourceId },
      };
      items.push(withTurns(item, q, a));
    }
  }
  return { items, errors };
}

/**
 * Pairs every model's answer with the baseline's answer to the same question: A = baseline,
 * B = the model (Arena-Hard's first game; a run judging both orders plays the second). No labels.
 * Errors name the file (`id` = "<model>: <question id>").
 */
export function pairArenaHard(
  questions: Iterable<SourceRow>,
  answers: readonly AnswerFile[],
  baseline: string,
): { items: ImportedItem[]; errors: RowError[] } {
  const { qs, byModel, errors } = readFiles(questions, answers);
  const base = byModel.get(baseline);
  if (!base) {
    errors.push({ line: 0, reason: `no answers file for the baseline model "${baseline}"` });
    return { items: [], errors };
  }
  const items: ImportedItem[] = [];
  for (const [model, ans] of byModel) {
    if (model === baseline) continue;
    for (const [qid, q] of qs) {
      const b = ans.get(qid);
      const a = base.get(qid);
      if (b === undefined) continue;
      if (a === undefined) {
        errors.push({
          line: 0,
          id: qid,
          reason: `the baseline has no answer to question ${clip(qid, 60)}`,
        });
        continue;
      }
      const item: ImportedItem = {
        id: `${qid}:${model}`,
        prompt: q.prompt,
        responseA: a.text,
        responseB: b.text,
        modelA: baseline,
        modelB: model,
        meta: { question_id: q.sourceId, baseline },
      };
      items.push(withTurns(item, q, a, b));
    }
  }
  return { items, errors };
}

/** The model an answers file is for: its rows' model_id, else the file name without extension. */
export function answerFileModel(rows: readonly SourceRow[], fileName: string): string {
  for (const r of rows.slice(0, 5)) {
    const a = readAnswer(r.value);
    if (typeof a !== 'string' && a.model) return a.model;
  }
  return fileName.replace(/\.(jsonl|json)(\.gz)?$/i, '');
}
