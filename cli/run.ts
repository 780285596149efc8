// `arbiter judge`: judges a dataset against an OpenAI-compatible server with the app's judge core, resumable.
import { createHash } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { access, open, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CliConfig } from './args';
import { readInput } from './input';
import { Progress } from './progress';
import { metricsOf, metricsTable } from './metrics';
import type { OpenAIEngine } from '../src/lib/engine/openai-engine';
import { AbortedError, ContextWindowExceededError, EngineError } from '../src/lib/engine/errors';
import type {
  ChatMessage,
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
  JudgeEngine,
  LoadedModel,
  ModelSpec,
} from '../src/lib/engine/types';
import {
  buildRequest,
  countItemTokens,
  estimateItemTokens,
  getTemplate,
  judgeItem,
  type JudgeItem,
  type Rubric,
  type Template,
} from '../src/lib/judge';
import {
  judgeConfig,
  judgmentParams,
  planJudgments,
  toRecord,
  type PairContext,
  type PlannedJudgment,
} from '../src/lib/run/pair';
import { runPool } from '../src/lib/run/pool';
import { AllEndpointsDownError, type EndpointPool } from '../src/lib/run/endpoints';
import { connect, endpointSpecs, endpointSummary, type Connected } from './connect';
import { useSyncSha256 } from '../src/lib/store/key';
import type { ItemRecord, JudgmentRecord, RunFailure, RunRecord } from '../src/lib/store/schema';
import {
  isRowError,
  parseWorkspaceHeader,
  parseWorkspaceLine,
  workspaceHeader,
  workspaceLine,
} from '../src/lib/data/workspace';
import { writeExports } from './exports';
import { judgeSettings } from './settings';
import { cliRunId } from '../src/lib/run/batch-files';
import type { Io } from './io';
import { createNodeFetch } from './node-fetch';

/** Malformed SSE lines the endpoints' engines skipped. */
const malformedLines = (pool: EndpointPool) =>
  pool.endpoints.reduce(
    (n, e) =>
      n +
      [...e.engines.values()].reduce(
        (m, x) => m + ((x as Partial<OpenAIEngine>).stats?.malformedLines ?? 0),
        0,
      ),
    0,
  );

export type { Io };

/** Thrown for bad input or configuration: exit code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Answers from judgments already in the output instead of asking the server again. */
class ReplayEngine implements JudgeEngine {
  readonly kind = 'openai' as const;
  constructor(
    private readonly inner: JudgeEngine,
    private readonly replays: Map<string, JudgmentRecord>,
  ) {}
  get loaded(): LoadedModel | null {
    return this.inner.loaded;
  }
  load(spec: ModelSpec): Promise<LoadedModel> {
    return this.inner.load(spec);
  }
  generate(req: GenerateRequest, opts?: GenerateOptions): Promise<GenerateResult> {
    const hit = this.replays.get(JSON.stringify(req));
    if (!hit) return this.inner.generate(req, opts);
    return Promise.resolve({
      text: hit.text,
      usage: hit.usage,
      logprobs: null,
      finishReason: hit.finishReason ?? 'stop',
    });
  }
  countTokens(messages: ChatMessage[]): Promise<number> {
    return this.inner.countTokens(messages);
  }
  unload(): Promise<void> {
    return Promise.resolve();
  }
}

/** The app stores rubrics as JSON of the core's Rubric; plain text becomes the criteria. */
function toJudgeItem(r: ItemRecord): JudgeItem {
  const item: JudgeItem = { prompt: r.prompt, responseA: r.responseA };
  if (r.responseB !== undefined) item.responseB = r.responseB;
  if (r.reference) item.reference = r.reference;
  if (r.modelA) item.modelA = r.modelA;
  if (r.modelB) item.modelB = r.modelB;
  if (r.conversation) item.conversation = r.conversation;
  if (r.rubric) {
    let rubric: Rubric = { criteria: r.rubric, levels: [] };
    try {
      const j = JSON.parse(r.rubric) as Partial<Rubric>;
      if (typeof j.criteria === 'string')
        rubric = { criteria: j.criteria, levels: Array.isArray(j.levels) ? j.levels : [] };
    } catch {
      // plain-text rubric
    }
    item.rubric = rubric;
  }
  return item;
}

/** Batches appends: one write per 50 ms or 256 kB, in order; a kill loses at most that window. */
export class LineWriter {
  private buf: string[] = [];
  private size = 0;
  private chain: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | null = null;
  error: unknown = null;
  constructor(private readonly fh: Awaited<ReturnType<typeof open>>) {}
  write(line: string): void {
    this.buf.push(line);
    this.size += line.length;
    if (this.size > 256 * 1024) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), 50);
  }
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buf.length === 0) return this.chain;
    const data = this.buf.join('');
    this.buf = [];
    this.size = 0;
    this.chain = this.chain.then(() =>
      this.fh.appendFile(data).catch((e: unknown) => {
        this.error ??= e;
      }),
    );
    return this.chain;
  }
  async close(): Promise<void> {
    await this.flush();
    await this.fh.close();
  }
}

export interface Existing {
  /** key → first judgment with that key. */
  byKey: Map<string, JudgmentRecord>;
  ids: Set<string>;
  lines: number;
}

/** Reads a previous output: its keys and record ids; cuts a last line a kill left half-written. */
export async function readExisting(path: string, io: Io): Promise<Existing | null> {
  if (!existsSync(path)) return null;
  const text = await readFile(path, 'utf8');
  if (text.length === 0) return null;
  const cut = text.lastIndexOf('\n') + 1;
  if (cut < text.length) {
    await truncate(path, Buffer.byteLength(text.slice(0, cut)));
    io.err(`Resuming: dropped a half-written last line of ${path}.\n`);
  }
  const lines = text.slice(0, cut).split('\n');
  const header = parseWorkspaceHeader(lines[0] ?? '');
  if (isRowError(header))
    throw new ConfigError(
      `${path} exists and is not an Arbiter workspace file (${header.reason}). Choose another --out.`,
    );
  const byKey = new Map<string, JudgmentRecord>();
  const ids = new Set<string>();
  let n = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const rec = parseWorkspaceLine(line, i + 1);
    if (isRowError(rec)) {
      io.err(`${path}:${rec.line}: skipped (${rec.reason})\n`);
      continue;
    }
    n++;
    if (rec.kind === 'judgment') {
      if (!byKey.has(rec.record.key)) byKey.set(rec.record.key, rec.record);
    } else if (rec.kind === 'label') ids.add(`label:${rec.record.itemId}`);
    else ids.add(`${rec.kind}:${rec.record.id}`);
  }
  return { byKey, ids, lines: n };
}

/**
 * Whether --out can be written and resumed from, before any request: a folder, a missing folder
 * or a file that is not an Arbiter workspace used to surface only after the server probes.
 */
export async function checkOut(path: string): Promise<void> {
  const st = await stat(path).catch(() => null);
  if (st?.isDirectory()) throw new ConfigError(`--out ${path} is a folder; name a file in it.`);
  if (st) {
    if (st.size > 0) {
      const fh = await open(path, 'r');
      const buf = Buffer.alloc(Math.min(st.size, 64 * 1024));
      await fh.read(buf, 0, buf.length, 0).finally(() => fh.close());
      const first = buf.toString('utf8').split('\n')[0] ?? '';
      const header = parseWorkspaceHeader(first);
      if (isRowError(header))
        throw new ConfigError(
          `${path} exists and is not an Arbiter workspace file (${header.reason}). Choose another --out.`,
        );
    }
    await access(path, constants.W_OK).catch(() => {
      throw new ConfigError(`--out ${path} cannot be written to (no permission).`);
    });
    return;
  }
  const folder = dirname(path);
  const dirStat = await stat(folder).catch(() => null);
  if (!dirStat?.isDirectory())
    throw new ConfigError(`--out ${path}: the folder ${folder} does not exist.`);
  await access(folder, constants.W_OK).catch(() => {
    throw new ConfigError(`--out ${path}: the folder ${folder} cannot be written to.`);
  });
}

// The answer to a 429/503 lives with the endpoint pool that applies it.
export { slowDownOnRefusal } from '../src/lib/run/endpoints';

type Input = Awaited<ReturnType<typeof readInput>>;

/** The input file, read and checked against the protocol (bad rows listed); ConfigError when unusable. */
export async function readChecked(cfg: CliConfig, io: Io, template: Template): Promise<Input> {
  let input;
  try {
    input = await readInput(cfg.input);
  } catch (e) {
    throw new ConfigError(`Cannot read ${cfg.input}: ${(e as Error).message}`);
  }
  if (input.errors.length > 0) {
    for (const e of input.errors.slice(0, 50))
      io.err(`${cfg.input}:${e.line}: ${e.reason}${e.id ? ` (id ${e.id})` : ''}\n`);
    if (input.errors.length > 50) io.err(`… and ${input.errors.length - 50} more bad rows.\n`);
    if (!cfg.skipBadRows)
      throw new ConfigError(
        `${input.errors.length} bad row(s) in ${cfg.input}; fix them or pass --skip-bad-rows.`,
      );
  }
  if (input.items.length === 0) throw new ConfigError(`${cfg.input} has no items to judge.`);
  if (template.kind !== 'single' && input.items.some((i) => i.responseB === undefined))
    throw new ConfigError(
      `--protocol ${template.id} compares two answers, but some items have only one (row ${(input.items.find((i) => i.responseB === undefined)?.index ?? 0) + 1}). Use a single-answer protocol.`,
    );
  return input;
}

/**
 * What a panel's members share while they judge side by side (panelCommand): the input read
 * once, and one output file, written through one writer, with what it held before.
 */
export interface SharedOut {
  input: Input;
  writer: LineWriter;
  existing: Existing;
  panelId: string;
  /** Called with the member's run as soon as it is made (its id joins the panel record). */
  onRun: (run: RunRecord) => void;
}

/** Run the command; resolves with the exit code. With `shared`, one member of a panel. */
export async function judgeCommand(
  cfg: CliConfig,
  io: Io,
  env: Record<string, string | undefined> = process.env,
  shared?: SharedOut,
): Promise<number> {
  const cpu0 = process.cpuUsage();
  useSyncSha256((text) => createHash('sha256').update(text, 'utf8').digest('hex'));
  const template = getTemplate(cfg.protocol) as Template;
  const input = shared?.input ?? (await readChecked(cfg, io, template));
  if (!shared) await checkOut(cfg.out);

  // Connection and capabilities: a failure here is configuration, not an item error.
  let retries = 0;
  const timeoutMs = cfg.timeoutMs ?? (cfg.stream ? 120_000 : 600_000);
  let connected: Connected;
  try {
    const specs = await endpointSpecs(cfg, env);
    connected = await connect(cfg, specs, io, createNodeFetch(), timeoutMs, () => retries++);
  } catch (e) {
    const hint = e instanceof EngineError && e.hint ? `\n${e.hint}` : '';
    throw new ConfigError(`${(e as Error).message}${hint}`);
  }
  const { pool, engine, contextWindow } = connected;
  const concurrency = connected.concurrency;
  // The context window: --context wins, else what the servers report (vLLM max_model_len).
  if (!cfg.quiet)
    io.err(
      contextWindow === null
        ? `Context window unknown (the server does not report it): prompts are not checked to fit; pass --context N to check them.\n`
        : `Context window ${contextWindow} tokens (${cfg.contextWindow !== null ? '--context' : 'from the server'}); prompts are checked to fit ${connected.tokenize ? 'with the server’s /tokenize when close' : 'by an estimate (about 4 characters a token; the server has no /tokenize)'}.\n`,
    );

  const { options, model } = judgeSettings(cfg);
  const contexts = input.items.map((rec): PairContext => ({
    item: toJudgeItem(rec),
    template,
    options,
    model,
  }));
  const firstCtx = contexts[0] as PairContext;
  const params = judgmentParams(firstCtx);
  const runId = await cliRunId(input.dataset.id, cfg.model, template, params);

  const plans: PlannedJudgment[][] = [];
  for (let i = 0; i < contexts.length; i += 512) {
    const chunk = await Promise.all(contexts.slice(i, i + 512).map((c) => planJudgments(c)));
    plans.push(...chunk);
  }
  const total = plans.reduce((n, p) => n + p.length, 0);

  const existing = shared ? shared.existing : await readExisting(cfg.out, io);
  if (!existing) await writeFile(cfg.out, JSON.stringify(workspaceHeader('arbiter-cli')) + '\n');
  const writer = shared?.writer ?? new LineWriter(await open(cfg.out, 'a'));
  const has = (k: string) => existing?.ids.has(k) ?? false;
  if (!has(`dataset:${input.dataset.id}`))
    writer.write(workspaceLine({ kind: 'dataset', record: input.dataset }));
  for (const item of input.items)
    if (!has(`item:${item.id}`)) writer.write(workspaceLine({ kind: 'item', record: item }));
  const now = Date.now();
  const run: RunRecord = {
    id: runId,
    datasetId: input.dataset.id,
    name: `${cfg.model} · ${template.id}`,
    createdAt: now,
    updatedAt: now,
    status: 'running',
    config: {
      engine: 'openai',
      modelId: cfg.model,
      protocol: template.kind,
      templateId: template.id,
      templateVersion: template.version,
      params,
    },
    progress: { total, done: 0, failed: 0 },
    summary: null,
    ...(shared ? { panelId: shared.panelId } : {}),
  };
  shared?.onRun(run);
  if (!has(`run:${runId}`)) writer.write(workspaceLine({ kind: 'run', record: run }));

  const doneKeys = existing?.byKey ?? new Map<string, JudgmentRecord>();
  const results = new Map<string, JudgmentRecord[]>();
  let already = 0;
  const pending: number[] = [];
  plans.forEach((plan, i) => {
    const item = input.items[i] as ItemRecord;
    const found = plan.map((p) => doneKeys.get(p.key)).filter((r): r is JudgmentRecord => !!r);
    already += found.length;
    if (found.length > 0) results.set(item.id, found);
    if (found.length < plan.length) pending.push(i);
  });
  if (!cfg.quiet && already > 0)
    io.err(`Resuming: ${already} of ${total} judgments are already in ${cfg.out}.\n`);

  const endpoints = pool.endpoints;
  const progress = new Progress(
    total,
    already,
    io,
    cfg.quiet,
    endpoints.length === 1 ? (endpoints[0] as (typeof endpoints)[number]).limit : null,
    endpoints.length > 1 ? () => pool.views() : null,
  );
  /** Every endpoint out for --give-up: the run stops (resumable) with each endpoint's error. */
  let allDown: AllEndpointsDownError | null = null;
  const failures: RunFailure[] = [];
  const judgingStart = performance.now();
  const judgingCpu0 = process.cpuUsage();
  let failedItems = 0;
  /** Items cut off by Ctrl-C: unfinished, not failed; a re-run does them. */
  let unfinishedItems = 0;
  let written = 0;
  const controller = new AbortController();
  // Each task has its own signal, aborted from here: thousands of listeners on one shared signal
  // made every request's addEventListener walk them all (Node checks for duplicates).
  const live = new Set<AbortController>();
  const stop = () => {
    controller.abort();
    for (const c of live) c.abort();
  };
  process.once('SIGINT', stop);
  const { template: _t, ...fitOpts } = judgeConfig(firstCtx);
  /** Why the item cannot fit the context window, or null: the estimate, then /tokenize when close. */
  const tooLong = async (ctx: PairContext): Promise<string | null> => {
    if (contextWindow === null) return null;
    let est = estimateItemTokens(ctx.item, template, fitOpts);
    let exact = false;
    if (est.total > contextWindow * 0.8 && connected.tokenize) {
      est = await countItemTokens(engine, ctx.item, template, fitOpts);
      exact = engine.lastCountExact;
    }
    if (est.total <= contextWindow) return null;
    return `Needs ${exact ? '' : 'about '}${est.promptTokens} prompt tokens (${exact ? 'the server’s count' : 'an estimate'}) plus ${est.maxTokens} for the answer; the model holds ${contextWindow}${cfg.contextWindow !== null ? ' (--context)' : ''}.`;
  };
  const summary = await runPool(
    pending,
    async (i) => {
      const ctx = contexts[i] as PairContext;
      const item = input.items[i] as ItemRecord;
      const plan = plans[i] as PlannedJudgment[];
      const why = await tooLong(ctx);
      if (why) throw new ContextWindowExceededError(why);
      const replays = new Map<string, JudgmentRecord>();
      const config = judgeConfig(ctx);
      for (const p of plan) {
        const rec = doneKeys.get(p.key);
        if (rec)
          replays.set(JSON.stringify(buildRequest(ctx.item, config, p.order, p.sample)), rec);
      }
      const fresh: JudgmentRecord[] = [];
      const task = new AbortController();
      live.add(task);
      if (controller.signal.aborted) task.abort();
      try {
        await judgeItem(new ReplayEngine(engine, replays), ctx.item, config, {
          signal: task.signal,
          onJudgment: (j) => {
            const key = plan.find((p) => p.order === j.order && p.sample === j.sample)?.key ?? '';
            if (doneKeys.has(key)) return;
            const record = toRecord(j, { runId, itemId: item.id, key, params, ctx });
            fresh.push(record);
            writer.write(workspaceLine({ kind: 'judgment', record }));
            written++;
            progress.tick();
          },
        });
      } finally {
        live.delete(task);
      }
      return fresh;
    },
    {
      // Each endpoint's own adaptive limit decides what is sent; this only bounds the items open.
      concurrency,
      signal: controller.signal,
      onResult: (fresh, i) => {
        const id = (input.items[i] as ItemRecord).id;
        results.set(id, [...(results.get(id) ?? []), ...fresh]);
      },
      onError: (e, i) => {
        if (e instanceof AllEndpointsDownError) {
          allDown ??= e;
          stop();
        }
        if ((e instanceof AbortedError || allDown) && controller.signal.aborted) {
          unfinishedItems++;
          return;
        }
        failedItems++;
        progress.clearLine();
        const item = input.items[i] as ItemRecord;
        const name = e instanceof Error ? e.name : 'Error';
        const reason = e instanceof Error ? e.message : String(e);
        failures.push({
          itemId: item.id,
          index: item.index,
          kind: e instanceof ContextWindowExceededError ? 'too-long' : 'error',
          reason: `${name}: ${reason}`,
          at: Date.now(),
        });
        io.err(`row ${item.index + 1} (${item.id}): ${name}: ${reason}\n`);
      },
    },
  );
  process.removeListener('SIGINT', stop);
  pool.close();
  const judgingMs = performance.now() - judgingStart;
  const judgingCpu = process.cpuUsage(judgingCpu0);
  const judgingCpuUs = judgingCpu.user + judgingCpu.system;
  progress.finish();

  const metrics = metricsOf(template, input.items, results, cfg.bothOrders);
  const done = already + written;
  run.status = allDown
    ? 'failed'
    : summary.aborted
      ? 'cancelled'
      : failedItems > 0
        ? 'failed'
        : 'done';
  run.updatedAt = Date.now();
  run.progress = { total, done, failed: total - done };
  run.summary = metrics.summary;
  if (failures.length > 0) run.failures = failures.sort((a, b) => a.index - b.index);
  // The final state of the run, after its judgments; importers keep the newest copy of a run id.
  writer.write(workspaceLine({ kind: 'run', record: run }));
  // A panel's writer stays open for the other members and the panel line (panelCommand closes it).
  if (shared) await writer.flush();
  else await writer.close();
  if (writer.error) throw writer.error;

  if (cfg.formats.length > 0) {
    const files = await writeExports(cfg, input.items, results, run);
    for (const f of files) io.err(`Wrote ${f}\n`);
  }
  const cpu = process.cpuUsage(cpu0);
  const limits = endpoints.map((e) => e.limit);
  const overloads = limits.reduce((n, l) => n + l.overloads, 0);
  const cuts = limits.reduce((n, l) => n + l.cuts, 0);
  const atEnd =
    endpoints.length === 1
      ? `${limits[0]?.limit} of ${limits[0]?.max} at the end`
      : `at the end ${endpoints.map((e) => `${e.name} ${e.limit.limit} of ${e.limit.max}`).join(', ')}`;
  io.out(metricsTable(metrics, template));
  io.out(
    `\n${written} new judgments (${already} resumed), ${failedItems} failed items (${failures.filter((f) => f.kind === 'too-long').length} too long for the context), ${retries} retries, ${malformedLines(pool)} malformed SSE lines skipped.\n` +
      (overloads > 0
        ? `Server busy: ${overloads} refusals (429/503); concurrency halved ${cuts} times, ${atEnd}.\n`
        : '') +
      (endpoints.length > 1 ? endpointSummary(pool.views()) : '') +
      `Time judging: ${written} judgments in ${Math.round(judgingMs)} ms (${written > 0 ? ((written * 1000) / judgingMs).toFixed(1) : '0'}/s).\n` +
      `Arbiter CPU: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms in all; while judging ${(judgingCpuUs / 1000).toFixed(0)} ms, ${written > 0 ? (judgingCpuUs / written).toFixed(0) : '–'} µs per new judgment.\n`,
  );
  const { parseFailures, judgments } = metrics.summary;
  const parseRate = judgments > 0 ? parseFailures / judgments : 0;
  const tooManyUnparsed = parseRate > cfg.maxParseFailures;
  if (tooManyUnparsed)
    io.err(
      `arbiter: ${parseFailures} of ${judgments} answers (${(parseRate * 100).toFixed(1)}%) had no readable verdict, more than --max-parse-failures ${+(cfg.maxParseFailures * 100).toFixed(2)}%. Check that --protocol suits the model and that --max-tokens leaves room for the verdict.\n`,
    );
  if (allDown) {
    const down = allDown as AllEndpointsDownError;
    io.err(
      `arbiter: stopped, ${pending.length - summary.succeeded - failedItems} items unfinished. ${down.message}\n${down.hint}\n`,
    );
    return 1;
  }
  if (summary.aborted) {
    io.err(
      `Stopped: ${pending.length - summary.succeeded - failedItems} items unfinished (${unfinishedItems} were in flight). Run the same command again to resume.\n`,
    );
    return 1;
  }
  return failedItems > 0 || tooManyUnparsed ? 1 : 0;
}
