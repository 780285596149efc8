// Output constraints (JSON schema, EBNF grammar) under which a template's verdict always parses.
import type { ResponseFormat } from './port';
import type { TemplateKind } from './types';

export interface ConstraintShape {
  kind: TemplateKind;
  allowTie: boolean;
  graded: boolean;
  scoreRange?: [number, number];
  /** Ask for a reasoning field before the verdict, so the model still explains first. */
  reasoning: boolean;
}

/** The verdict values the JSON form accepts, in the order the prompt lists them. */
export function jsonVerdictValues(shape: ConstraintShape): string[] {
  if (shape.graded) {
    return shape.allowTie ? ['A>>B', 'A>B', 'A=B', 'B>A', 'B>>A'] : ['A>>B', 'A>B', 'B>A', 'B>>A'];
  }
  return shape.allowTie && shape.kind === 'pairwise' ? ['A', 'B', 'tie'] : ['A', 'B'];
}

function scoreValues(range: [number, number]): number[] {
  const out: number[] = [];
  for (let s = range[0]; s <= range[1]; s++) out.push(s);
  return out;
}

/**
 * JSON schema for the JSON form. Scores are an enum rather than minimum/maximum because
 * web-llm's grammar compiler enforces enums exactly. `reasoning` comes first so the model
 * writes its explanation before it commits to a verdict.
 */
export function jsonSchema(shape: ConstraintShape): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  if (shape.reasoning) {
    properties.reasoning = { type: 'string' };
    required.push('reasoning');
  }
  if (shape.kind === 'single') {
    properties.score = { type: 'integer', enum: scoreValues(shape.scoreRange ?? [1, 10]) };
    required.push('score');
  } else {
    properties.verdict = { type: 'string', enum: jsonVerdictValues(shape) };
    required.push('verdict');
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

export function jsonResponseFormat(shape: ConstraintShape): ResponseFormat {
  return { type: 'json_object', schema: JSON.stringify(jsonSchema(shape)) };
}

/** The prompt line that states the JSON form; web-llm wants the format said as well as enforced. */
export function jsonInstruction(shape: ConstraintShape): string {
  const value =
    shape.kind === 'single'
      ? `"score": <an integer from ${shape.scoreRange?.[0] ?? 1} to ${shape.scoreRange?.[1] ?? 10}>`
      : `"verdict": ${jsonVerdictValues(shape)
          .map((v) => `"${v}"`)
          .join(' | ')}`;
  const reasoning = shape.reasoning ? '"reasoning": "<your explanation>", ' : '';
  return `Reply with only a JSON object: {${reasoning}${value}}`;
}

/** EBNF grammar for a one-token letter verdict (verdict-only protocol). */
export function letterGrammar(allowTie: boolean): ResponseFormat {
  return { type: 'grammar', grammar: `root ::= ${allowTie ? '"A" | "B" | "C"' : '"A" | "B"'}` };
}
