// Shared vocabulary of the judge core: verdicts, items, parse results and the template contract.
import type { ChatMessage, ResponseFormat } from './port';

/** A pairwise verdict in the ORIGINAL positions of the item (A = responseA). */
export type Verdict = 'A' | 'B' | 'tie';
export type ParseStatus = 'ok' | 'repaired' | 'failed';
/** 'AB' shows responseA first; 'BA' shows responseB first. */
export type Order = 'AB' | 'BA';

export type TemplateFamily =
  'j1' | 'meta-rewarding' | 'auto-j' | 'mt-bench' | 'arena-hard' | 'prometheus' | 'verdict-only';

export type TemplateKind = 'pairwise' | 'single' | 'meta';

/** One score level of a rubric, e.g. { score: 5, description: 'Fully correct and complete.' }. */
export interface RubricLevel {
  score: number;
  description: string;
}

/** The user's own criteria (Prometheus-style). */
export interface Rubric {
  criteria: string;
  /** Score descriptions, usually 1..5; relative (pairwise) rubrics may leave this empty. */
  levels: RubricLevel[];
}

/**
 * A multi-turn item (MT-Bench): the user's turns and each answer's turn to each of them, in order.
 * The item's flat fields (prompt, responseA, responseB, reference) hold the first turn, so a
 * single-turn template judges turn 1 as MT-Bench's own single-turn prompts do; the multi-turn
 * templates show the whole conversation.
 */
export interface Conversation {
  /** The user's turns (two for MT-Bench). */
  questions: string[];
  /** Answer A's turn for each question; empty for a prompt-only item. */
  answersA: string[];
  answersB?: string[];
  /** A reference answer for each question (MT-Bench's maths, reasoning and coding questions). */
  references?: string[];
}

export interface JudgeItem {
  prompt: string;
  /** The answer for single-answer protocols; the first answer for pairwise ones. */
  responseA: string;
  responseB?: string;
  reference?: string;
  rubric?: Rubric;
  modelA?: string;
  modelB?: string;
  /** Meta-judge protocols: two judgments of responseA to compare. */
  judgmentA?: string;
  judgmentB?: string;
  /** Every turn of a multi-turn item; absent for a single-turn one. */
  conversation?: Conversation;
}

export interface BuildOptions {
  order: Order;
  /** The model thinks in <think>…</think> on its own (Qwen3, DeepSeek-R1 distills). */
  thinkingModel: boolean;
  /** Offer a tie verdict (only for templates where `allowsTie` is true; default true there). */
  allowTie?: boolean;
  /** Ask for the JSON form of the verdict (used with a JSON-schema response_format). */
  json?: boolean;
}

export interface ParseResult {
  status: ParseStatus;
  /**
   * Pairwise: in the positions AS SHOWN to the judge until `mapVerdict` is applied; judgeItem
   * returns it mapped to the original positions. Single-answer: null.
   */
  verdict: Verdict | null;
  /** Graded formats: 2 for A>>B / B>>A, 1 for A>B / B>A. */
  strength?: 1 | 2;
  score?: number;
  /** [start, end) of the verdict marker in the ORIGINAL text. */
  span: [number, number] | null;
  reason?: string;
}

export interface Template {
  id: string;
  /** Bumped whenever the wording changes, so stored judgments stay comparable. */
  version: number;
  family: TemplateFamily;
  kind: TemplateKind;
  label: string;
  /** One plain-English line for the UI picker. */
  description: string;
  allowsTie: boolean;
  graded: boolean;
  needsReference: boolean;
  acceptsReference: boolean;
  needsRubric: boolean;
  /** Single-answer templates: the inclusive score range. */
  scoreRange?: [number, number];
  /** Tokens at the verdict position mapped to the verdict they stand for (as shown). */
  verdictTokens?: Record<string, Verdict>;
  buildMessages(item: JudgeItem, opts: BuildOptions): ChatMessage[];
  parse(text: string): ParseResult;
  /** A constraint under which the verdict always parses; undefined when none applies. */
  responseFormat?(opts: BuildOptions): ResponseFormat | undefined;
  /** GBNF: free reasoning, then the verdict in the protocol's own format (verdict-grammar.ts). */
  verdictGrammar?(opts: BuildOptions): string;
  /** GBNF for the verdict alone, for the continuation of an output cut off before it. */
  verdictTailGrammar?(allowTie: boolean): string;
  /** Estimated tokens of the template's own text (both messages), beyond the item's text. */
  overheadTokens: number;
  /** Whether a multi-turn item is judged on its whole conversation (else on its first turn). */
  multiTurn: boolean;
}
