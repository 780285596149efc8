// Command-line arguments of `arbiter judge`: parsing, validation and the help text.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getTemplate, templates } from '../src/lib/judge';
import { parseEndpoint } from '../src/lib/engine/openai-http';
import {
  CONSTRAIN_KINDS,
  isConstrainKind,
  type ConstrainKind,
} from '../src/lib/engine/constraint-fields';

export const FORMATS = ['workspace', 'csv', 'alpaca-eval', 'fastchat', 'arena-hard'] as const;
export type OutFormat = (typeof FORMATS)[number];

export interface CliConfig {
  input: string;
  out: string;
  /** The first of `endpoints` (or the file's first when only --endpoints is given: ''). */
  endpoint: string;
  /** Every --endpoint, in order. */
  endpoints: string[];
  /** --endpoints FILE: more endpoints, read (and checked) before any request. */
  endpointsFile: string | null;
  /** With every endpoint out, how long to wait for one to come back before stopping (ms). */
  giveUpMs: number;
  /** The first --model. */
  model: string;
  /** Every --model, in order: two or more judge as a panel (one run per model, one output). */
  models: string[];
  apiKey: string | undefined;
  protocol: string;
  bothOrders: boolean;
  allowTie: boolean;
  samples: number;
  temperature: number | null;
  seed: number;
  maxTokens: number | null;
  logprobs: boolean;
  constrained: boolean;
  /** The server's grammar field (--constrain); not 'off': every verdict under the protocol's grammar. */
  constrain: ConstrainKind;
  thinking: boolean;
  /** null: probe the server. */
  concurrency: number | null;
  /** The model's context window in tokens (--context); null: as the server reports it. */
  contextWindow: number | null;
  /** Stream answers token by token (default: whole answers, which cost the CLI far less CPU). */
  stream: boolean;
  /** Per request: ms without a byte; null for the default (120 s streamed, 600 s whole). */
  timeoutMs: number | null;
  retries: number;
  /** Exit 1 when more than this fraction (0..1) of the answers could not be parsed. */
  maxParseFailures: number;
  formats: OutFormat[];
  skipBadRows: boolean;
  quiet: boolean;
}

export const HELP = `arbiter judge <data.jsonl> --endpoint URL --model M --out results.jsonl [options]

Judges every pair (or single answer) of a dataset with an OpenAI-compatible server
(vLLM, llama.cpp server, Ollama, LM Studio) using the same protocols, parsing and records
as the Arbiter app. The output is an Arbiter workspace file: import it in the app to review.

Input     JSONL in any format the app imports, or an Arbiter workspace export.
Resume    Run the same command again: judgments already in --out are skipped.
Batch     arbiter batch prepare|ingest: files for vllm run-batch or the OpenAI Batch API
          (arbiter batch --help).

Options
  --endpoint URL       Server base URL, e.g. http://127.0.0.1:8000/v1 (env ARBITER_ENDPOINT);
                       give it several times to spread the work over several servers
  --endpoints FILE     Endpoints as a JSON array or JSONL of {"url", "models"?: [..], "key"?,
                       "key_env"?, "name"?}; without "models", an endpoint's /v1/models says
                       which models it serves. Each endpoint has its own concurrency; one that
                       fails is taken out, probed with backoff and brought back
  --give-up S          With every endpoint out, wait S seconds for one to come back before
                       stopping (default 60; a re-run resumes)
  --model ID           Model name as the server lists it in /v1/models; give it several times
                       for a panel: each model judges every item (side by side), and --out
                       holds one run per model grouped as one panel (review it in the app)
  --api-key KEY        Bearer key if the server wants one (env ARBITER_API_KEY; never written out)
  --out FILE           Results (workspace JSONL); appended to when it exists
  --protocol ID        Template id (default j1-pairwise); one of:
                       ${templates.map((t) => t.id).join(', ')}
  --both-orders        Judge A/B and B/A (default for pairwise protocols)
  --one-order          Judge A/B only
  --no-tie             Do not offer a tie verdict
  --samples N          Samples per order (default 1)
  --temperature T      Default: 0 for one plain sample, else 1
  --seed N             Seed of sample 0; sample s uses seed+s (default 42)
  --max-tokens N       Output budget (default: the protocol's)
  --logprobs           Ask for logprobs (confidence); verdict-only always does
  --constrained        JSON schema / grammar output where the server supports it
  --constrain KIND     Every verdict under the protocol's own grammar, sent where this kind of
                       server takes it: llama.cpp (grammar), vllm (structured_outputs, 0.10+),
                       vllm-guided (guided_grammar, before 0.12), sglang (ebnf); default off.
                       Checked against the server before judging (exit 2 if it refuses it)
  --thinking           The model thinks in <think>…</think> on its own
  --concurrency N|auto Requests in flight at most (default auto: a quick probe of the server);
                       halved when over a quarter of a round trip's requests get 429/503,
                       grown back by half after two round trips without
  --context N          The model's context window in tokens, to check prompts fit before
                       sending (default: as the server reports it, e.g. vLLM's max_model_len);
                       an item too long is an item error (exit code 1), never sent
  --stream             Stream answers token by token (default: whole answers; the CLI shows
                       no tokens, and streaming costs it a parse per token)
  --timeout S          Give up on a request after S seconds without a byte (default 120 when
                       streaming; 600 otherwise, since a whole answer sends nothing until done)
  --retries N          Retries on 429/5xx/timeouts/dropped streams/refused connections
                       (default 5)
  --max-parse-failures P
                       Exit 1 when more than P% of the answers have no readable verdict
                       (default 50): the protocol likely does not suit the model
  --resume FILE        Finish the run FILE holds (a partial batch ingest, a stopped run): --out
                       FILE for a file that must exist; judgments already in it are skipped
  --format F[,F]       Also write exports next to --out: ${FORMATS.filter((f) => f !== 'workspace').join(', ')}
  --skip-bad-rows      Judge the good rows when some input rows are bad (exit code 1)
  --quiet              No progress output
  --help               This text

Exit codes: 0 all judged; 1 finished, but some items failed or too many answers could not be
parsed, or stopped (Ctrl-C); 2 bad input or configuration.
`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function num(name: string, v: string | undefined, min: number, int = true): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || (int && !Number.isInteger(n)))
    throw new UsageError(
      `--${name} must be ${int ? 'an integer' : 'a number'} ≥ ${min} (got “${v}”).`,
    );
  return n;
}

/** Parse argv (without node and script); throws UsageError with a message for the user. */
export function parseCli(
  argv: string[],
  env: Record<string, string | undefined> = {},
): CliConfig | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        endpoint: { type: 'string', multiple: true },
        endpoints: { type: 'string' },
        'give-up': { type: 'string' },
        model: { type: 'string', multiple: true },
        'api-key': { type: 'string' },
        out: { type: 'string', short: 'o' },
        resume: { type: 'string' },
        protocol: { type: 'string' },
        'both-orders': { type: 'boolean' },
        'one-order': { type: 'boolean' },
        'no-tie': { type: 'boolean' },
        samples: { type: 'string' },
        temperature: { type: 'string' },
        seed: { type: 'string' },
        'max-tokens': { type: 'string' },
        logprobs: { type: 'boolean' },
        constrained: { type: 'boolean' },
        constrain: { type: 'string' },
        thinking: { type: 'boolean' },
        concurrency: { type: 'string', short: 'c' },
        stream: { type: 'boolean' },
        context: { type: 'string' },
        timeout: { type: 'string' },
        retries: { type: 'string' },
        'max-parse-failures': { type: 'string' },
        format: { type: 'string' },
        'skip-bad-rows': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const o = parsed.values;
  if (o.help) return 'help';
  const [command, input, ...rest] = parsed.positionals;
  if (command !== 'judge')
    throw new UsageError(
      command ? `Unknown command “${command}”.` : 'Missing command: arbiter judge <file> …',
    );
  if (!input) throw new UsageError('Missing the input file: arbiter judge <data.jsonl> …');
  if (rest.length > 0) throw new UsageError(`Unexpected argument “${rest[0]}”.`);
  const endpoints = o.endpoint ?? (env.ARBITER_ENDPOINT ? [env.ARBITER_ENDPOINT] : []);
  if (endpoints.length === 0 && !o.endpoints)
    throw new UsageError('Missing --endpoint (or ARBITER_ENDPOINT, or --endpoints FILE).');
  for (const endpoint of endpoints)
    try {
      parseEndpoint(endpoint);
    } catch (e) {
      throw new UsageError(`--endpoint: ${(e as Error).message}`);
    }
  const models = o.model ?? [];
  if (models.length === 0) throw new UsageError('Missing --model.');
  const twice = models.find((m, i) => models.indexOf(m) !== i);
  if (twice !== undefined)
    throw new UsageError(`--model ${twice} is given twice: each panel member is another model.`);
  // --resume FILE: --out FILE that must already hold the run (a partial batch ingest, a killed run).
  if (o.resume !== undefined) {
    if (o.out !== undefined && o.out !== o.resume)
      throw new UsageError('--resume FILE is --out FILE for a file that exists: give one of them.');
    if (!existsSync(o.resume))
      throw new UsageError(`--resume ${o.resume}: no such file (to start a run, use --out).`);
    o.out = o.resume;
  }
  if (!o.out) throw new UsageError('Missing --out.');
  const protocol = o.protocol ?? 'j1-pairwise';
  if (!getTemplate(protocol))
    throw new UsageError(
      `Unknown --protocol “${protocol}”. Choose one of: ${templates.map((t) => t.id).join(', ')}.`,
    );
  if (o['both-orders'] && o['one-order'])
    throw new UsageError('--both-orders and --one-order exclude each other.');
  const formats = (o.format ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const f of formats)
    if (!(FORMATS as readonly string[]).includes(f))
      throw new UsageError(`Unknown --format “${f}”. Choose from: ${FORMATS.join(', ')}.`);
  const constrain = o.constrain ?? 'off';
  if (!isConstrainKind(constrain))
    throw new UsageError(
      `Unknown --constrain “${constrain}”. Choose from: ${CONSTRAIN_KINDS.join(', ')}.`,
    );
  // The exports are per run and named after --out: a panel's members would overwrite each other.
  if (models.length > 1 && formats.some((f) => f !== 'workspace'))
    throw new UsageError('--format takes one --model; a panel writes its workspace file only.');
  const conc =
    o.concurrency === undefined || o.concurrency === 'auto'
      ? null
      : num('concurrency', o.concurrency, 1);
  if (conc !== null && conc > 1024) throw new UsageError('--concurrency must be at most 1024.');
  const maxParse = num('max-parse-failures', o['max-parse-failures'], 0, false) ?? 50;
  if (maxParse > 100) throw new UsageError('--max-parse-failures is a percentage, at most 100.');
  return {
    input,
    out: o.out,
    endpoint: endpoints[0] ?? '',
    endpoints,
    endpointsFile: o.endpoints ?? null,
    giveUpMs: (num('give-up', o['give-up'], 0, false) ?? 60) * 1000,
    model: models[0] as string,
    models,
    apiKey: o['api-key'] ?? env.ARBITER_API_KEY ?? undefined,
    protocol,
    bothOrders: !o['one-order'],
    allowTie: !o['no-tie'],
    samples: num('samples', o.samples, 1) ?? 1,
    temperature: num('temperature', o.temperature, 0, false),
    seed: num('seed', o.seed, 0) ?? 42,
    maxTokens: num('max-tokens', o['max-tokens'], 1),
    logprobs: o.logprobs ?? false,
    constrained: (o.constrained ?? false) || constrain !== 'off',
    constrain,
    thinking: o.thinking ?? false,
    concurrency: conc,
    stream: o.stream ?? false,
    contextWindow: num('context', o.context, 16),
    timeoutMs: o.timeout === undefined ? null : (num('timeout', o.timeout, 1, false) ?? 0) * 1000,
    retries: num('retries', o.retries, 0) ?? 5,
    maxParseFailures: maxParse / 100,
    formats: formats as OutFormat[],
    skipBadRows: o['skip-bad-rows'] ?? false,
    quiet: o.quiet ?? false,
  };
}
