// Connecting the CLI to its endpoints: capabilities per server, the context window, concurrency per endpoint, and the pool they form.
import { readFile } from 'node:fs/promises';
import { OpenAIEngine, openaiModelSpec } from '../src/lib/engine/openai-engine';
import { probeServer, type ServerReport } from '../src/lib/engine/openai-probe';
import { EngineError } from '../src/lib/engine/errors';
import {
  EndpointPool,
  type EndpointSpec,
  type EndpointView,
  type PooledEngine,
} from '../src/lib/run/endpoints';
import { probeConcurrency } from '../src/lib/run/pool';
import type { CliConfig } from './args';
import { EndpointsError, mergeEndpoints, parseEndpointsFile } from './endpoints';
import type { Io } from './io';

export interface Connected {
  pool: EndpointPool;
  engine: PooledEngine;
  /** The smallest context window any serving endpoint reports, or --context; null when unknown. */
  contextWindow: number | null;
  /** Some serving endpoint has a tokenizer endpoint. */
  tokenize: boolean;
  /** Requests in flight at most over all endpoints. */
  concurrency: number;
}

/** The endpoint list from the arguments and the file; EndpointsError (exit 2) when it is wrong. */
export async function endpointSpecs(
  cfg: CliConfig,
  env: Record<string, string | undefined>,
): Promise<EndpointSpec[]> {
  let fromFile: EndpointSpec[] = [];
  if (cfg.endpointsFile) {
    let text: string;
    try {
      text = await readFile(cfg.endpointsFile, 'utf8');
    } catch (e) {
      throw new EndpointsError(
        `Cannot read --endpoints ${cfg.endpointsFile}: ${(e as Error).message}`,
      );
    }
    fromFile = parseEndpointsFile(text, cfg.endpointsFile, env);
  }
  return mergeEndpoints(cfg.endpoints, fromFile, cfg.apiKey);
}

const yes = (b: boolean) => (b ? 'yes' : 'no');

/**
 * Probe every endpoint that may serve the model (in parallel), then form the pool. Endpoints
 * that do not answer start out and are probed later; when none answers, or none serves the
 * model, this throws (the CLI's exit 2): with one endpoint its own error, as before.
 */
export async function connect(
  cfg: CliConfig,
  specs: EndpointSpec[],
  io: Io,
  fetchImpl: typeof fetch,
  timeoutMs: number,
  onRetry: () => void,
): Promise<Connected> {
  const reports = new Map<EndpointSpec, ServerReport>();
  const failures = new Map<EndpointSpec, unknown>();
  const candidates = specs.filter((s) => !s.models || s.models.includes(cfg.model));
  await Promise.all(
    candidates.map(async (s) => {
      try {
        const report = await probeServer({
          endpoint: s.url,
          fetch: fetchImpl,
          model: cfg.model,
          timeoutMs,
          ...(s.key ? { apiKey: s.key } : {}),
          constrain: cfg.constrain,
        });
        reports.set(s, report);
      } catch (e) {
        failures.set(s, e);
      }
    }),
  );
  const serves = (s: EndpointSpec) => {
    const r = reports.get(s);
    return !!r && (r.models.length === 0 || r.models.some((m) => m.id === cfg.model));
  };
  if (specs.length === 1 && failures.size === 1) throw failures.values().next().value;
  const live = candidates.filter(serves);
  if (live.length === 0) {
    if (failures.size === candidates.length && candidates.length > 0)
      throw new EngineError(
        `No endpoint answered: ${candidates.map((s) => `${s.name} (${s.url}): ${(failures.get(s) as Error).message}`).join('; ')}`,
        'Check the URLs and that the servers are running.',
      );
    const listed = specs
      .map(
        (s) =>
          `${s.name}: ${
            reports
              .get(s)
              ?.models.map((m) => m.id)
              .join(', ') ??
            s.models?.join(', ') ??
            'no answer'
          }`,
      )
      .join('; ');
    throw new EngineError(
      specs.length === 1
        ? `The server does not serve “${cfg.model}”. It serves: ${listed.replace(/^[^:]*: /, '')}.`
        : `No endpoint serves “${cfg.model}” (${listed}).`,
      'Check --model against the names the servers list in /v1/models.',
    );
  }
  // --constrain: every live endpoint must follow the grammar in that field, or nothing is judged.
  const refusing = live.filter((s) => !reports.get(s)!.grammar.ok);
  if (cfg.constrain !== 'off' && refusing.length > 0)
    throw new EngineError(
      `--constrain ${cfg.constrain}: ${refusing.map((s) => `${specs.length > 1 ? `${s.name}: ` : ''}the server did not follow a grammar: ${(reports.get(s)!.grammar as { reason: string }).reason}`).join('; ')}`,
      'Use the --constrain kind of this server, or leave it off.',
    );
  if (!cfg.quiet)
    for (const s of candidates) {
      const r = reports.get(s);
      const label = specs.length > 1 ? `Endpoint ${s.name}` : `Server ${new URL(s.url).host}`;
      if (!r)
        io.err(
          `${label}: no answer (${(failures.get(s) as Error).message}); it starts out and is probed.\n`,
        );
      else if (!serves(s)) io.err(`${label}: does not serve ${cfg.model}; not used.\n`);
      else
        io.err(
          `${label}: ${Math.round(r.latencyMs)} ms; streaming ${yes(r.streaming.ok)}, logprobs ${yes(r.logprobs.ok)}, json schema ${yes(r.jsonSchema.ok)}, tokenize ${yes(r.tokenize.ok)}, grammar ${yes(r.grammar.ok)}\n`,
        );
    }
  const windows = live
    .map((s) => reports.get(s)?.models.find((m) => m.id === cfg.model)?.contextWindow ?? null)
    .filter((w): w is number => w !== null);
  const serverWindow = windows.length > 0 ? Math.min(...windows) : null;
  const contextWindow = cfg.contextWindow ?? serverWindow;
  const spec = {
    ...openaiModelSpec(specs[0]?.url ?? '', cfg.model, contextWindow ?? 8192),
    thinking: cfg.thinking,
  };
  const engineFor = (s: EndpointSpec) =>
    new OpenAIEngine({
      endpoint: s.url,
      fetch: fetchImpl,
      ...(s.key ? { apiKey: s.key } : {}),
      idleTimeoutMs: timeoutMs,
      // The pool retries: on another endpoint when this one fails.
      backoff: { retries: 0 },
      // The CLI shows no tokens: whole answers, unless --stream.
      streamOnlyWhenWatched: !cfg.stream,
      ...(reports.get(s) ? { capabilities: (reports.get(s) as ServerReport).capabilities } : {}),
    });

  // --concurrency N is per endpoint; auto probes each live endpoint on its own.
  const perEndpoint = new Map<EndpointSpec, number>();
  if (cfg.concurrency === null) {
    await Promise.all(
      live.map(async (s) => {
        const e = engineFor(s);
        e.loaded = { spec: { ...spec, modelUrl: s.url }, loadMs: 0 };
        try {
          const probe = await probeConcurrency(() =>
            e.generate({
              messages: [{ role: 'user', content: 'Say A.' }],
              max_tokens: 1,
              temperature: 0,
            }),
          );
          perEndpoint.set(s, probe.recommended);
          if (!cfg.quiet)
            io.err(
              `Concurrency ${probe.recommended}${specs.length > 1 ? ` on ${s.name}` : ''} (probe: ${probe.levels.map((l) => `${l.concurrency}→${l.requestsPerS.toFixed(1)}/s`).join(', ')})\n`,
            );
        } catch {
          perEndpoint.set(s, 1);
        }
      }),
    );
  }
  const fallback = Math.max(1, ...perEndpoint.values());
  const pool = new EndpointPool(specs, {
    engineFor,
    concurrency: (s) => cfg.concurrency ?? perEndpoint.get(s) ?? fallback,
    retries: cfg.retries,
    giveUpMs: cfg.giveUpMs,
    onRetry,
    onHealth: (v, event) => {
      if (cfg.quiet) return;
      io.err(
        event === 'down'
          ? `Endpoint ${v.name} is out (${v.lastError ?? 'no answer'}); its work moves to the others, and it is probed with backoff.\n`
          : `Endpoint ${v.name} answers again: back in the pool.\n`,
      );
    },
  });
  const engine = pool.engine(cfg.model);
  try {
    await engine.load(spec);
  } catch (e) {
    pool.close();
    throw e;
  }
  const concurrency = pool.endpoints.reduce((n, e) => n + e.limit.max, 0);
  return {
    pool,
    engine,
    contextWindow,
    tokenize: live.some((s) => reports.get(s)?.tokenize.ok === true),
    concurrency,
  };
}

/** The endpoints' part of the summary: per endpoint what it answered and how it ended. */
export function endpointSummary(views: EndpointView[]): string {
  return `Endpoints: ${views
    .map(
      (v) =>
        `${v.name} ${v.done} answered, ${v.health === 'up' ? 'up' : `out (${v.lastError ?? 'no answer'})`}`,
    )
    .join('; ')}.\n`;
}
