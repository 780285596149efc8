// Connection test for an OpenAI-compatible server: latency, models, and which features really work.
import { EngineError } from './errors';
import { parseEndpoint } from './openai-http';
import { OpenAIEngine, openaiModelSpec, type OpenAICapabilities } from './openai-engine';
import { CONSTRAIN_LABELS, grammarField, type ConstrainKind } from './constraint-fields';

export type Check = { ok: true; note?: string } | { ok: false; reason: string };

export interface ServerReport {
  /** GET /v1/models round trip. */
  latencyMs: number;
  models: { id: string; contextWindow: number | null }[];
  /** The model the feature checks ran on (the chosen one, else the first listed). */
  model: string | null;
  streaming: Check;
  logprobs: Check;
  jsonSchema: Check;
  tokenize: Check;
  grammar: Check;
  /** What the engine should use, from the checks above. */
  capabilities: OpenAICapabilities;
}

export interface ProbeOptions {
  endpoint: string;
  apiKey?: string;
  model?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * The server's "Constrained verdicts" setting: the grammar check tries that field ('off': no
   * check). Absent: the field that matches the server's /tokenize is tried.
   */
  constrain?: ConstrainKind;
}

const why = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Ask the server what it can do. Only the model list is required: every feature check that
 * fails just switches that feature off (with the reason), so a plain server still works.
 */
export async function probeServer(opts: ProbeOptions): Promise<ServerReport> {
  const base = {
    endpoint: opts.endpoint,
    idleTimeoutMs: opts.timeoutMs ?? 30_000,
    backoff: { retries: 0 },
    ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  };
  const engine = new OpenAIEngine(base);
  const t0 = performance.now();
  const models = await engine.listModels(opts.signal);
  const latencyMs = performance.now() - t0;
  const model = opts.model || models[0]?.id || null;
  const caps: OpenAICapabilities = {
    streaming: false,
    logprobs: false,
    jsonSchema: false,
    grammar: 'none',
    tokenize: 'none',
  };
  const report: ServerReport = {
    latencyMs,
    models,
    model,
    streaming: { ok: false, reason: 'no model to test with' },
    logprobs: { ok: false, reason: 'no model to test with' },
    jsonSchema: { ok: false, reason: 'no model to test with' },
    tokenize: { ok: false, reason: 'no model to test with' },
    grammar: { ok: false, reason: 'no model to test with' },
    capabilities: caps,
  };
  if (!model) return report;
  const ctx = models.find((m) => m.id === model)?.contextWindow ?? 8192;
  const run = async (c: Partial<OpenAICapabilities>) => {
    const e = new OpenAIEngine({ ...base, capabilities: { ...caps, ...c } });
    e.loaded = { spec: openaiModelSpec(opts.endpoint, model, ctx), loadMs: 0 };
    return e;
  };
  const signal = opts.signal ? { signal: opts.signal } : {};
  const messages = [{ role: 'user' as const, content: 'Answer with one letter: A or B?' }];

  try {
    const e = await run({ streaming: true, logprobs: true });
    let tokens = 0;
    const r = await e.generate(
      { messages, max_tokens: 4, temperature: 0, logprobs: true, top_logprobs: 2 },
      { ...signal, onToken: () => void tokens++ },
    );
    report.streaming =
      tokens > 0
        ? { ok: true, note: `${tokens} streamed pieces` }
        : { ok: false, reason: 'no streamed tokens' };
    caps.streaming = tokens > 0;
    report.logprobs = r.logprobs?.length
      ? { ok: true, note: `top ${r.logprobs[0]?.top_logprobs.length ?? 0}` }
      : { ok: false, reason: 'the answer carried no logprobs' };
    caps.logprobs = report.logprobs.ok;
  } catch (e) {
    if (e instanceof EngineError && e.name === 'AbortedError') throw e;
    report.streaming = { ok: false, reason: why(e) };
    report.logprobs = { ok: false, reason: 'not checked (the first request failed)' };
  }

  try {
    const e = await run({ jsonSchema: true });
    const schema = {
      type: 'object',
      properties: { verdict: { type: 'string', enum: ['A', 'B'] } },
      required: ['verdict'],
      additionalProperties: false,
    };
    const r = await e.generate(
      {
        messages: [
          { role: 'user', content: 'Reply with only a JSON object: {"verdict": "A" | "B"}' },
        ],
        max_tokens: 24,
        temperature: 0,
        response_format: { type: 'json_object', schema: JSON.stringify(schema) },
      },
      signal,
    );
    const v = (
      JSON.parse(r.text.replace(/<think>[\s\S]*?<\/think>/g, '').trim()) as { verdict?: unknown }
    ).verdict;
    report.jsonSchema =
      v === 'A' || v === 'B'
        ? { ok: true }
        : { ok: false, reason: `answer did not follow the schema: ${r.text.slice(0, 60)}` };
    caps.jsonSchema = report.jsonSchema.ok;
  } catch (e) {
    if (e instanceof EngineError && e.name === 'AbortedError') throw e;
    report.jsonSchema = { ok: false, reason: `${why(e)} (json_object is used instead)` };
  }

  for (const mode of ['vllm', 'llama.cpp'] as const) {
    const e = await run({ tokenize: mode });
    const n = await e.countTokens(messages);
    if (e.lastCountExact) {
      caps.tokenize = mode;
      report.tokenize = { ok: true, note: `${mode} /tokenize (${n} tokens for the test prompt)` };
      break;
    }
  }
  if (caps.tokenize === 'none')
    report.tokenize = {
      ok: false,
      reason: 'no /tokenize: token counts are estimates (~4 characters per token)',
    };

  if (opts.constrain === 'off') {
    report.grammar = {
      ok: false,
      reason: 'off (choose this server’s kind under “Constrained verdicts” to use grammars)',
    };
    return report;
  }
  // vLLM and llama.cpp name the grammar field differently: the setting says which, else try the
  // one that matches the tokenizer.
  const field = opts.constrain
    ? grammarField(opts.constrain)
    : caps.tokenize === 'llama.cpp'
      ? 'grammar'
      : 'guided_grammar';
  const setting = opts.constrain
    ? ` (Constrained verdicts: ${CONSTRAIN_LABELS[opts.constrain]})`
    : '';
  try {
    const e = await run({ grammar: field });
    const r = await e.generate(
      {
        messages,
        max_tokens: 2,
        temperature: 0,
        response_format: { type: 'grammar', grammar: 'root ::= "A" | "B"' },
      },
      signal,
    );
    const t = r.text.trim();
    report.grammar =
      t === 'A' || t === 'B'
        ? { ok: true, note: field }
        : {
            ok: false,
            reason: `the server ignored ${field}${setting} (answered “${t.slice(0, 20)}”)`,
          };
    if (report.grammar.ok) caps.grammar = field;
  } catch (e) {
    if (e instanceof EngineError && e.name === 'AbortedError') throw e;
    report.grammar = { ok: false, reason: why(e) };
  }
  return report;
}

/** The connection test of one more server of a list: that it answers and serves `model` (if named). */
export async function probeServing(
  endpoint: string,
  model: string,
  apiKey: string,
): Promise<ServerReport> {
  parseEndpoint(endpoint);
  const report = await probeServer({
    endpoint,
    ...(apiKey ? { apiKey } : {}),
    ...(model ? { model } : {}),
  });
  if (model && report.models.length > 0 && !report.models.some((m) => m.id === model))
    throw new Error(
      `This server does not serve “${model}”; it serves ${report.models.map((m) => m.id).join(', ')}.`,
    );
  return report;
}
