// The Judge page's form as plain values: what it asks the judge (item, context, messages) and what is still missing.
import { defaultMaxTokens } from '../judge/options';
import {
  buildRequest,
  effectiveTemperature,
  templates,
  type JudgeItem,
  type Order,
  type Template,
} from '../judge';
import { parseDraft, serializeDraft, type JudgeDraft, type OptionErrors } from '../judge/options';
import type { ChatMessage, EngineKind, ModelSpec } from '../engine/types';
import { EXAMPLES, type ExamplePair } from '../data/examples';
import { judgeConfig, takesVerdictGrammar, type PairContext, type PairOptions } from './pair';

/** Templates the one-pair page offers: pairwise and single-answer (meta-judging needs two judgments). */
export const pageTemplates: readonly Template[] = templates.filter((t) => t.kind !== 'meta');
export const DEFAULT_TEMPLATE_ID = 'j1-pairwise';

/** What the user typed and chose on the Judge page (what its draft keeps). */
export type JudgeForm = JudgeDraft;

/** Where the unsent form is kept across reloads. */
export const DRAFT_KEY = 'arbiter.judgeDraft';

/** The page's template for `id`, or its first one. */
export function pageTemplate(id: string): Template {
  return pageTemplates.find((t) => t.id === id) ?? (pageTemplates[0] as Template);
}

/** What is missing before `t` can judge the form, in words for the UI. */
export function formProblems(f: JudgeForm, t: Template, optionErrors: OptionErrors): string[] {
  const pairwise = t.kind === 'pairwise';
  const p: string[] = [];
  if (!f.prompt.trim()) p.push('Enter the prompt.');
  if (!f.responseA.trim()) p.push(pairwise ? 'Enter answer A.' : 'Enter the answer.');
  if (pairwise && !f.responseB.trim()) p.push('Enter answer B.');
  if (t.needsReference && !f.reference.trim()) p.push('This protocol needs a reference answer.');
  if (t.needsRubric && !f.rubricCriteria.trim())
    p.push('This protocol needs a rubric: fill in the criteria.');
  if (Object.keys(optionErrors).length > 0) p.push('Fix the options marked under Options.');
  return p;
}

/** The item `t` judges: only the fields it reads, trimmed where the user cannot see spaces. */
export function formItem(f: JudgeForm, t: Template): JudgeItem {
  const pairwise = t.kind === 'pairwise';
  const item: JudgeItem = { prompt: f.prompt, responseA: f.responseA };
  if (pairwise) item.responseB = f.responseB;
  if (f.reference.trim() && (t.acceptsReference || t.needsReference)) item.reference = f.reference;
  if (f.rubricCriteria.trim() && t.needsRubric)
    item.rubric = {
      criteria: f.rubricCriteria,
      levels: f.rubricLevels
        .map((description, i) => ({ score: i + 1, description }))
        .filter((l) => l.description.trim()),
    };
  if (f.modelA.trim()) item.modelA = f.modelA.trim();
  if (pairwise && f.modelB.trim()) item.modelB = f.modelB.trim();
  return item;
}

/** Both answers say the same thing: judging them tells nothing (a warning, not a block). */
export function sameAnswers(f: JudgeForm, t: Template): boolean {
  return (
    t.kind === 'pairwise' && f.responseA.trim() !== '' && f.responseA.trim() === f.responseB.trim()
  );
}

/** The temperature used when the user leaves it empty (the protocol's default). */
export function formTemperature(t: Template, o: PairOptions): number {
  return effectiveTemperature({
    template: t,
    samples: o.samples,
    logprobs: o.logprobs || t.family === 'verdict-only',
  });
}

export { defaultMaxTokens };

/** Everything one judgment of the form depends on, for model `spec` on an engine of `engine` kind. */
export function formContext(
  f: JudgeForm,
  t: Template,
  engine: EngineKind,
  spec: Pick<ModelSpec, 'modelId' | 'thinking' | 'contextWindow' | 'verdictGrammar'>,
): PairContext {
  const options = { ...f.options };
  // 0 means "the template's default for this model".
  if (!options.maxTokens)
    options.maxTokens = defaultMaxTokens(t, spec.thinking, spec.contextWindow);
  return {
    item: formItem(f, t),
    template: t,
    options,
    model: {
      engine,
      modelId: spec.modelId,
      thinking: spec.thinking,
      ...(takesVerdictGrammar(engine, spec) ? { grammar: true } : {}),
    },
  };
}

/** The exact messages each order sends for `ctx`; null when the request cannot be built. */
export function promptMessages(
  ctx: PairContext,
): { order: Order; messages: ChatMessage[] }[] | null {
  const orders: Order[] =
    ctx.template.kind === 'pairwise' && ctx.options.bothOrders ? ['AB', 'BA'] : ['AB'];
  try {
    return orders.map((order) => ({
      order,
      messages: buildRequest(ctx.item, judgeConfig(ctx), order).messages,
    }));
  } catch {
    return null;
  }
}

/** Everything a result depends on; a result made for another signature is stale. */
export function formSignature(f: JudgeForm): string {
  return JSON.stringify([
    f.prompt,
    f.responseA,
    f.responseB,
    f.reference,
    f.rubricCriteria,
    f.rubricLevels,
    f.modelA,
    f.modelB,
    f.templateId,
    f.options,
  ]);
}

/** The bundled example the form holds, untouched (its gold label is shown next to the verdict). */
export function formExample(f: JudgeForm): ExamplePair | null {
  return (
    EXAMPLES.find(
      (e) => e.prompt === f.prompt && e.responseA === f.responseA && e.responseB === f.responseB,
    ) ?? null
  );
}

/** A stored pair to put back into the form (from History or an example). */
export interface PairInputs {
  prompt: string;
  responseA: string;
  responseB?: string | undefined;
  reference?: string | undefined;
  modelA?: string | undefined;
  modelB?: string | undefined;
  templateId: string;
  options?: Partial<PairOptions>;
}

/** The form fields `v` sets: its texts (missing ones empty), a template the page offers, options over `options`. */
export function formFromInputs(v: PairInputs, options: PairOptions): Partial<JudgeForm> {
  const f: Partial<JudgeForm> = {
    prompt: v.prompt,
    responseA: v.responseA,
    responseB: v.responseB ?? '',
    reference: v.reference ?? '',
    modelA: v.modelA ?? '',
    modelB: v.modelB ?? '',
  };
  if (pageTemplates.some((t) => t.id === v.templateId)) f.templateId = v.templateId;
  if (v.options) f.options = { ...options, ...v.options };
  return f;
}

/** The bundled example `id` as form inputs, judged with template `templateId`. */
export function exampleInputs(id: string, templateId: string): PairInputs | null {
  const e = EXAMPLES.find((x) => x.id === id);
  return e ? { ...e, templateId } : null;
}

/** Keep the unsent form in localStorage; a full or blocked storage only loses the draft. */
export function writeDraft(f: JudgeForm): void {
  try {
    localStorage.setItem(
      DRAFT_KEY,
      serializeDraft({
        prompt: f.prompt,
        responseA: f.responseA,
        responseB: f.responseB,
        reference: f.reference,
        rubricCriteria: f.rubricCriteria,
        rubricLevels: [...f.rubricLevels],
        modelA: f.modelA,
        modelB: f.modelB,
        templateId: f.templateId,
        options: { ...f.options },
      }),
    );
  } catch {
    // Private mode or quota: the form still works, it just is not kept.
  }
}

/** The form fields `writeDraft` kept; a corrupt draft gives none (and is removed). */
export function readDraft(): Partial<JudgeForm> {
  let raw: string | null;
  try {
    raw = localStorage.getItem(DRAFT_KEY);
  } catch {
    return {};
  }
  const d = parseDraft(raw);
  if (!d) {
    if (raw !== null) {
      try {
        localStorage.removeItem(DRAFT_KEY);
      } catch {
        // nothing to do
      }
    }
    return {};
  }
  const f: Partial<JudgeForm> = {};
  if (d.prompt !== undefined) f.prompt = d.prompt;
  if (d.responseA !== undefined) f.responseA = d.responseA;
  if (d.responseB !== undefined) f.responseB = d.responseB;
  if (d.reference !== undefined) f.reference = d.reference;
  if (d.rubricCriteria !== undefined) f.rubricCriteria = d.rubricCriteria;
  if (d.rubricLevels) f.rubricLevels = d.rubricLevels;
  if (d.modelA !== undefined) f.modelA = d.modelA;
  if (d.modelB !== undefined) f.modelB = d.modelB;
  if (d.templateId && pageTemplates.some((t) => t.id === d.templateId)) f.templateId = d.templateId;
  if (d.options) f.options = d.options;
  return f;
}
