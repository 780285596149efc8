// Validation of the Judge page's options and of its saved draft (valibot schemas, no DOM).
import * as v from 'valibot';
import type { Template } from './types';

/** The most samples per order the one-pair page runs (each sample is a full generation). */
export const MAX_SAMPLES = 9;
export const MAX_TEMPERATURE = 2;
/** Far above any judge's need; keeps a typo (an extra zero or two) from running for an hour. */
export const MAX_OUTPUT_TOKENS = 32_768;

/**
 * The options a judgment takes: the Judge page's, a batch run's (store RunOptions) and a pair's
 * (run PairOptions) are this one type.
 */
export interface JudgeOptions {
  bothOrders: boolean;
  allowTie: boolean;
  samples: number;
  /** null: the protocol's default (0 for one plain sample; 1, seeded, when sampling or reading logprobs). */
  temperature: number | null;
  seed: number;
  /** 0: the protocol's default for the model. */
  maxTokens: number;
  logprobs: boolean;
  constrained: boolean;
}

export type OptionField = 'samples' | 'temperature' | 'seed' | 'maxTokens';

const whole = (what: string, min: number, max: number) =>
  v.pipe(
    v.number(`Enter ${what}.`),
    v.finite(`Enter ${what}.`),
    v.integer(`${cap(what)} must be a whole number.`),
    v.minValue(min, `${cap(what)} must be at least ${min}.`),
    v.maxValue(max, `${cap(what)} must be at most ${max.toLocaleString('en')}.`),
  );

export const OptionsSchema = v.object({
  bothOrders: v.boolean(),
  allowTie: v.boolean(),
  samples: whole('the samples per order', 1, MAX_SAMPLES),
  temperature: v.nullable(
    v.pipe(
      v.number('Temperature must be a number, or empty for the default.'),
      v.finite('Temperature must be a number, or empty for the default.'),
      v.minValue(0, 'Temperature must be at least 0.'),
      v.maxValue(MAX_TEMPERATURE, `Temperature must be at most ${MAX_TEMPERATURE}.`),
    ),
  ),
  seed: whole('a seed', 0, 2 ** 32 - 1),
  maxTokens: whole('the max output tokens (0 for the default)', 0, MAX_OUTPUT_TOKENS),
  logprobs: v.boolean(),
  constrained: v.boolean(),
});

function cap(s: string): string {
  const t = s.replace(/^(the|a) /, '');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export type OptionErrors = Partial<Record<OptionField, string>>;

/** One message per invalid field (the first problem found), empty when every option is valid. */
export function optionErrors(options: unknown): OptionErrors {
  const r = v.safeParse(OptionsSchema, options);
  if (r.success) return {};
  const out: OptionErrors = {};
  for (const issue of r.issues) {
    const key = issue.path?.[0]?.key;
    if (typeof key === 'string' && isField(key) && !out[key]) out[key] = issue.message;
  }
  return out;
}

function isField(k: string): k is OptionField {
  return k === 'samples' || k === 'temperature' || k === 'seed' || k === 'maxTokens';
}

/**
 * The output budget when the user left it at 0: 8 tokens for a verdict-only template, else enough
 * to reason (twice that for a model that thinks first), and never more than half the context
 * window where it is known. The Judge page, batch runs, the meta-judge and the CLI all use it.
 */
export function defaultMaxTokens(
  t: Pick<Template, 'family'>,
  thinking: boolean,
  contextWindow = Infinity,
): number {
  if (t.family === 'verdict-only') return 8;
  return Math.min(thinking ? 2048 : 1024, Math.floor(contextWindow / 2));
}

export const defaultJudgeOptions = (): JudgeOptions => ({
  bothOrders: true,
  allowTie: true,
  samples: 1,
  temperature: null,
  seed: 42,
  maxTokens: 0,
  logprobs: false,
  constrained: false,
});

/** The unsent Judge form, as kept in localStorage across reloads. */
export interface JudgeDraft {
  prompt: string;
  responseA: string;
  responseB: string;
  reference: string;
  rubricCriteria: string;
  rubricLevels: string[];
  modelA: string;
  modelB: string;
  templateId: string;
  options: JudgeOptions;
}

export const DRAFT_VERSION = 1;

const text = v.optional(v.string(), '');

const DraftSchema = v.object({
  version: v.literal(DRAFT_VERSION),
  prompt: text,
  responseA: text,
  responseB: text,
  reference: text,
  rubricCriteria: text,
  rubricLevels: v.optional(v.array(v.string()), []),
  modelA: text,
  modelB: text,
  templateId: v.optional(v.string()),
  options: v.optional(v.record(v.string(), v.unknown()), {}),
});

/** The stored form of a draft (what `parseDraft` reads back). */
export function serializeDraft(d: JudgeDraft): string {
  return JSON.stringify({ version: DRAFT_VERSION, ...d });
}

/**
 * Read a stored draft. Anything unreadable (not JSON, another version, wrong types) gives null;
 * an option of the wrong type falls back to its default, so one bad field never loses the text.
 */
export function parseDraft(raw: string | null): Partial<JudgeDraft> | null {
  if (!raw) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const r = v.safeParse(DraftSchema, json);
  if (!r.success) return null;
  const { version: _version, options: rawOptions, templateId, ...rest } = r.output;
  const defaults = defaultJudgeOptions();
  const options = { ...defaults };
  for (const k of Object.keys(defaults) as (keyof JudgeOptions)[]) {
    const value = rawOptions[k];
    if (k === 'temperature') {
      if (value === null || typeof value === 'number') options.temperature = value;
    } else if (typeof value === typeof defaults[k]) {
      (options as Record<string, unknown>)[k] = value;
    }
  }
  const levels = rest.rubricLevels.slice(0, 5);
  while (levels.length < 5) levels.push('');
  return {
    ...rest,
    rubricLevels: levels,
    ...(templateId ? { templateId } : {}),
    options,
  };
}
