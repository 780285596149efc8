// Building blocks every template family shares: the shown order, input checks, overhead, parsing.
import type { ChatMessage, ResponseFormat } from '../port';
import { jsonInstruction, jsonResponseFormat, type ConstraintShape } from '../constrained';
import { parseVerdict, type VerdictFormat } from '../parse';
import { estimateMessagesTokens } from '../tokens';
import { verdictGrammar, verdictTailGrammar, type VerdictGrammarShape } from '../verdict-grammar';
import type {
  BuildOptions,
  Conversation,
  JudgeItem,
  Rubric,
  Template,
  TemplateFamily,
  TemplateKind,
  Verdict,
} from '../types';

/** The item as the judge sees it in one order. */
export interface View {
  prompt: string;
  /** The item's responseA: the answer judged by single and meta templates. */
  answer: string;
  /** Pairwise: the answer shown first. Meta: the judgment shown first. */
  first: string;
  second: string;
  reference: string | null;
  rubric: Rubric | null;
  allowTie: boolean;
  thinkingModel: boolean;
  /** The JSON-form instruction when JSON output is asked for, else null. */
  json: string | null;
  /** Every turn, when the item is multi-turn and the template has a multi-turn form; else null. */
  turns: TurnsView | null;
}

/** A multi-turn item's turns as the judge sees them in one order. */
export interface TurnsView {
  questions: string[];
  /** Answer A's turns: the answer judged by single templates. */
  answer: string[];
  /** Pairwise: the turns of the answer shown first, then of the one shown second. */
  first: string[];
  second: string[];
  /** One reference per turn, when the item has them. */
  references: string[] | null;
}

/** Thrown when an item lacks what a template needs (a second answer, a reference, a rubric). */
export class TemplateInputError extends Error {
  override name = 'TemplateInputError';
}

export interface TemplateSpec {
  id: string;
  version: number;
  family: TemplateFamily;
  kind: TemplateKind;
  label: string;
  description: string;
  allowsTie: boolean;
  graded?: boolean;
  needsReference?: boolean;
  acceptsReference?: boolean;
  needsRubric?: boolean;
  scoreRange?: [number, number];
  format: VerdictFormat;
  verdictTokens?: Record<string, Verdict>;
  /** Whether the JSON form keeps a reasoning field (false only for verdict-only). */
  reasons?: boolean;
  system?: (v: View) => string;
  user: (v: View) => string;
  /**
   * The form used for a multi-turn item (two or more turns): the judge sees the whole
   * conversation. Without it, the template judges the first turn (the item's flat fields).
   */
  multiTurn?: {
    system?: (v: View & { turns: TurnsView }) => string;
    user: (v: View & { turns: TurnsView }) => string;
  };
  responseFormat?: (opts: BuildOptions) => ResponseFormat | undefined;
}

function view(spec: TemplateSpec, item: JudgeItem, opts: BuildOptions): View {
  const allowTie = spec.allowsTie && (opts.allowTie ?? true);
  const swap = opts.order === 'BA';
  let first = item.responseA;
  let second = item.responseB ?? '';
  if (spec.kind === 'pairwise') {
    if (item.responseB === undefined)
      throw new TemplateInputError(`${spec.label} needs two answers.`);
    if (swap) [first, second] = [second, first];
  } else if (spec.kind === 'meta') {
    if (item.judgmentA === undefined || item.judgmentB === undefined) {
      throw new TemplateInputError(`${spec.label} needs two judgments of the answer.`);
    }
    first = item.judgmentA;
    second = item.judgmentB;
    if (swap) [first, second] = [second, first];
  }
  if (spec.needsReference && !item.reference) {
    throw new TemplateInputError(`${spec.label} needs a reference answer.`);
  }
  if (spec.needsRubric && !item.rubric)
    throw new TemplateInputError(`${spec.label} needs a rubric.`);
  const shape = shapeOf(spec, allowTie);
  const turns =
    spec.multiTurn && item.conversation && item.conversation.questions.length > 1
      ? turnsView(spec, item.conversation, swap)
      : null;
  return {
    turns,
    prompt: item.prompt,
    answer: item.responseA,
    first,
    second,
    reference: spec.acceptsReference || spec.needsReference ? (item.reference ?? null) : null,
    rubric: item.rubric ?? null,
    allowTie,
    thinkingModel: opts.thinkingModel,
    json: opts.json ? jsonInstruction(shape) : null,
  };
}

/** Every turn in the shown order; throws when an answer or a needed reference misses a turn. */
function turnsView(spec: TemplateSpec, c: Conversation, swap: boolean): TurnsView {
  const n = c.questions.length;
  const complete = (xs: string[] | undefined): xs is string[] =>
    xs !== undefined && xs.length === n;
  if (!complete(c.answersA))
    throw new TemplateInputError(`${spec.label} needs an answer to each of the ${n} turns.`);
  let first = c.answersA;
  let second: string[] = [];
  if (spec.kind === 'pairwise') {
    if (!complete(c.answersB))
      throw new TemplateInputError(`${spec.label} needs both answers to each of the ${n} turns.`);
    second = c.answersB;
    if (swap) [first, second] = [second, first];
  }
  const references = complete(c.references) ? c.references : null;
  if (spec.needsReference && !references)
    throw new TemplateInputError(
      `${spec.label} needs a reference answer for each of the ${n} turns.`,
    );
  return { questions: c.questions, answer: c.answersA, first, second, references };
}

function shapeOf(spec: TemplateSpec, allowTie: boolean): ConstraintShape {
  const shape: ConstraintShape = {
    kind: spec.kind,
    allowTie,
    graded: spec.graded ?? false,
    reasoning: spec.reasons ?? true,
  };
  if (spec.scoreRange) shape.scoreRange = spec.scoreRange;
  return shape;
}

/**
 * The template's own tokens: the messages built for an item whose every text is empty, with
 * the reference and rubric sections present when the template needs them.
 */
function overhead(spec: TemplateSpec, build: Template['buildMessages']): number {
  const empty: JudgeItem = {
    prompt: '',
    responseA: '',
    responseB: '',
    judgmentA: '',
    judgmentB: '',
  };
  if (spec.needsReference) empty.reference = ' ';
  if (spec.needsRubric) {
    empty.rubric = {
      criteria: '',
      levels: [1, 2, 3, 4, 5].map((score) => ({ score, description: '' })),
    };
  }
  return estimateMessagesTokens(build(empty, { order: 'AB', thinkingModel: false }));
}

export function defineTemplate(spec: TemplateSpec): Template {
  const buildMessages = (item: JudgeItem, opts: BuildOptions): ChatMessage[] => {
    const v = view(spec, item, opts);
    const messages: ChatMessage[] = [];
    const multi = v.turns && spec.multiTurn;
    if (multi) {
      const mv = { ...v, turns: v.turns! };
      if (multi.system) messages.push({ role: 'system', content: multi.system(mv) });
      messages.push({ role: 'user', content: multi.user(mv) });
      return messages;
    }
    if (spec.system) messages.push({ role: 'system', content: spec.system(v) });
    messages.push({ role: 'user', content: spec.user(v) });
    return messages;
  };
  const template: Template = {
    id: spec.id,
    version: spec.version,
    family: spec.family,
    kind: spec.kind,
    label: spec.label,
    description: spec.description,
    allowsTie: spec.allowsTie,
    graded: spec.graded ?? false,
    needsReference: spec.needsReference ?? false,
    acceptsReference: spec.acceptsReference ?? spec.needsReference ?? false,
    needsRubric: spec.needsRubric ?? false,
    multiTurn: spec.multiTurn !== undefined,
    buildMessages,
    parse: (text) =>
      parseVerdict(text, spec.format, spec.scoreRange ? { scoreRange: spec.scoreRange } : {}),
    responseFormat:
      spec.responseFormat ??
      ((opts) => jsonResponseFormat(shapeOf(spec, spec.allowsTie && (opts.allowTie ?? true)))),
    overheadTokens: 0,
  };
  const grammarShape = (allowTie: boolean): VerdictGrammarShape => ({
    allowTie: spec.allowsTie && allowTie,
    ...(spec.scoreRange ? { scoreRange: spec.scoreRange } : {}),
  });
  template.verdictGrammar = (opts) =>
    verdictGrammar(spec.format, grammarShape(opts.allowTie ?? true));
  template.verdictTailGrammar = (allowTie) =>
    verdictTailGrammar(spec.format, grammarShape(allowTie));
  if (spec.scoreRange) template.scoreRange = spec.scoreRange;
  if (spec.verdictTokens) template.verdictTokens = spec.verdictTokens;
  template.overheadTokens = overhead(spec, buildMessages);
  return template;
}

/** "a, b or c" */
export function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Rubric levels as "Score n: description" lines. */
export function rubricLines(rubric: Rubric | null): string {
  if (!rubric) return '';
  return rubric.levels.map((l) => `Score ${l.score}: ${l.description}`).join('\n');
}

export const LETTER_TOKENS: Record<string, Verdict> = { A: 'A', B: 'B', C: 'tie' };
