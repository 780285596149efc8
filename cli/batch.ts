// `arbiter batch prepare|ingest`: request files for vLLM run-batch or the OpenAI Batch API, and their results as a run.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { getTemplate, templates } from '../src/lib/judge';
import {
  batchContext,
  batchManifest,
  batchRequestLines,
  cliRunId,
  manifestName,
  BATCH_CAPABILITIES,
  type BatchManifest,
  type BatchSettings,
  type PrepareCounts,
} from '../src/lib/run/batch-files';
import {
  CONSTRAIN_KINDS,
  constrainKindOf,
  grammarField,
  isConstrainKind,
} from '../src/lib/engine/constraint-fields';
import {
  BatchManifestError,
  ingestBatch,
  parseManifest,
  type BatchIngest,
} from '../src/lib/run/batch-ingest';
import { judgmentParams } from '../src/lib/run/pair';
import { useSyncSha256 } from '../src/lib/store/key';
import { workspaceHeader, workspaceLine } from '../src/lib/data/workspace';
import type { ItemRecord } from '../src/lib/store/schema';
import { num, UsageError } from './args';
import { readInput, type Input } from './input';
import { judgeSettings } from './settings';
import type { Io } from './io';

export const BATCH_HELP = `arbiter batch prepare <data.jsonl> --model M -o requests.jsonl [options]
arbiter batch ingest <requests.jsonl> <results.jsonl> --out results.workspace.jsonl

prepare   Writes one request line per judgment, {"custom_id", "method": "POST",
          "url": "/v1/chat/completions", "body"}, exactly as \`arbiter judge\` would send it,
          and requests.manifest.json beside it (settings, dataset hash, counts). Run it with
          vllm run-batch -i requests.jsonl -o results.jsonl --model M
          or upload it to any service that takes the OpenAI Batch API format.
ingest    Reads the results (vLLM's or the Batch API's lines, in any order), matches them by
          custom_id, parses the verdicts as live runs do and writes an Arbiter workspace file
          that the app imports. Judgments without a result stay unfinished: the
          \`arbiter judge\` command ingest prints finishes them live against a server.

Prepare options (as for arbiter judge)
  --model ID  -o, --out FILE  --protocol ID  --both-orders | --one-order  --no-tie
  --samples N  --temperature T  --seed N  --max-tokens N  --logprobs  --constrained
  --constrain KIND (the batch server's grammar field, as for arbiter judge)  --thinking  --skip-bad-rows  --quiet
Ingest options
  --out FILE        The workspace file (replaced only when --force or unchanged)
  --manifest FILE   Default: the manifest beside the requests file
  --data FILE       The dataset; default: the file the manifest names, beside it
  --force           Replace an existing --out that differs
  --quiet

Exit codes: 0 done (ingest: every judgment in); 1 ingest left judgments failed or
unfinished; 2 bad input or configuration.
`;

class BatchConfigError extends Error {
  override name = 'BatchConfigError';
}

/** `arbiter batch …`; resolves with the exit code. */
export async function batchCommand(argv: string[], io: Io): Promise<number> {
  useSyncSha256((text) => createHash('sha256').update(text, 'utf8').digest('hex'));
  try {
    const [sub, ...rest] = argv;
    if (sub === 'prepare') return await prepare(rest, io);
    if (sub === 'ingest') return await ingest(rest, io);
    if (sub === undefined || sub === '--help' || sub === '-h') {
      io.out(BATCH_HELP);
      return sub === undefined ? 2 : 0;
    }
    throw new UsageError(`Unknown batch command “${sub}”: prepare or ingest.`);
  } catch (e) {
    if (e instanceof BatchConfigError || e instanceof BatchManifestError) {
      io.err(`arbiter: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function loadInput(path: string, io: Io, skipBadRows: boolean): Promise<Input> {
  let input: Input;
  try {
    input = await readInput(path);
  } catch (e) {
    throw new BatchConfigError(`Cannot read ${path}: ${(e as Error).message}`);
  }
  if (input.errors.length > 0) {
    for (const e of input.errors.slice(0, 50)) io.err(`${path}:${e.line}: ${e.reason}\n`);
    if (!skipBadRows)
      throw new BatchConfigError(
        `${input.errors.length} bad row(s) in ${path}; fix them or pass --skip-bad-rows.`,
      );
  }
  if (input.items.length === 0) throw new BatchConfigError(`${path} has no items to judge.`);
  return input;
}

async function prepare(argv: string[], io: Io): Promise<number> {
  const { values: o, positionals } = parse(argv, {
    model: { type: 'string' },
    out: { type: 'string', short: 'o' },
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
    'skip-bad-rows': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  });
  const [inputPath, extra] = positionals;
  if (!inputPath)
    throw new UsageError('Missing the input file: arbiter batch prepare <data.jsonl> …');
  if (extra) throw new UsageError(`Unexpected argument “${extra}”.`);
  if (!o.model) throw new UsageError('Missing --model.');
  if (!o.out) throw new UsageError('Missing -o/--out (the requests file).');
  const protocol = typeof o.protocol === 'string' ? o.protocol : 'j1-pairwise';
  if (!getTemplate(protocol))
    throw new UsageError(
      `Unknown --protocol “${protocol}”. Choose one of: ${templates.map((t) => t.id).join(', ')}.`,
    );
  if (o['both-orders'] && o['one-order'])
    throw new UsageError('--both-orders and --one-order exclude each other.');
  const constrain = o.constrain ?? 'off';
  if (!isConstrainKind(constrain))
    throw new UsageError(
      `Unknown --constrain “${constrain}”. Choose from: ${CONSTRAIN_KINDS.join(', ')}.`,
    );
  const judged = judgeSettings({
    protocol,
    model: o.model,
    bothOrders: !o['one-order'],
    allowTie: !o['no-tie'],
    samples: num('samples', o['samples'], 1) ?? 1,
    temperature: num('temperature', o['temperature'], 0, false),
    seed: num('seed', o['seed'], 0) ?? 42,
    maxTokens: num('max-tokens', o['max-tokens'], 1),
    logprobs: o.logprobs === true,
    constrained: o.constrained === true || constrain !== 'off',
    thinking: o.thinking === true,
    constrain,
  });
  // --constrain names the batch server's grammar field, as it does the live server's.
  const settings: BatchSettings =
    constrain === 'off'
      ? judged
      : { ...judged, capabilities: { ...BATCH_CAPABILITIES, grammar: grammarField(constrain) } };
  const template = settings.template;
  const input = await loadInput(inputPath, io, o['skip-bad-rows'] === true);
  if (template.kind !== 'single' && input.items.some((i) => i.responseB === undefined))
    throw new BatchConfigError(
      `--protocol ${template.id} compares two answers, but some items have only one. Use a single-answer protocol.`,
    );
  const out = o.out;
  const dirStat = await stat(dirname(resolve(out))).catch(() => null);
  if (!dirStat?.isDirectory())
    throw new BatchConfigError(`-o ${out}: the folder ${dirname(out)} does not exist.`);

  const t0 = performance.now();
  const params = judgmentParams(batchContext(settings, input.items[0] as ItemRecord));
  const runId = await cliRunId(input.dataset.id, settings.model.modelId, template, params);
  const counts: PrepareCounts = { items: 0, judgments: 0 };
  const tmp = `${out}.part`;
  const ws = createWriteStream(tmp);
  for await (const line of batchRequestLines(settings, input.items, counts)) {
    if (!ws.write(line)) await once(ws, 'drain');
  }
  ws.end();
  await once(ws, 'finish');
  await rename(tmp, out);
  const manifest = await batchManifest({
    settings,
    items: input.items,
    counts,
    input: basename(inputPath),
    datasetId: input.dataset.id,
    runId,
    runName: `${settings.model.modelId} · ${template.id} (batch)`,
    requests: basename(out),
    now: new Date(),
  });
  const mPath = join(dirname(out), manifestName(basename(out)));
  await writeFile(mPath, JSON.stringify(manifest, null, 2) + '\n');
  const ms = performance.now() - t0;
  if (o.quiet !== true)
    io.err(
      `Wrote ${counts.judgments} requests for ${counts.items} items to ${out} and ${mPath} in ${Math.round(ms)} ms.\n` +
        `Run them:  vllm run-batch -i ${out} -o results.jsonl --model ${settings.model.modelId}\n` +
        `Then:      arbiter batch ingest ${out} results.jsonl --out results.workspace.jsonl\n`,
    );
  return 0;
}

/** A file's lines, streamed; opened only when iterated (readline drops lines nobody listens to yet). */
async function* lines(path: string): AsyncGenerator<string> {
  yield* createInterface({ input: createReadStream(path), crlfDelay: Infinity });
}

/** The `arbiter judge` flags that give the manifest's settings (the resume command). */
export function judgeFlags(m: BatchManifest): string[] {
  const o = m.options;
  const f = ['--model', m.model, '--protocol', m.templateId];
  if (!o.bothOrders) f.push('--one-order');
  if (!o.allowTie) f.push('--no-tie');
  if (o.samples !== 1) f.push('--samples', String(o.samples));
  if (o.temperature !== null) f.push('--temperature', String(o.temperature));
  if (o.seed !== 42) f.push('--seed', String(o.seed));
  f.push('--max-tokens', String(o.maxTokens));
  if (o.logprobs) f.push('--logprobs');
  // A grammar field other than the batch default means --constrain named it at prepare time.
  if (o.constrained && m.capabilities.grammar !== BATCH_CAPABILITIES.grammar)
    f.push('--constrain', constrainKindOf(m.capabilities.grammar));
  else if (o.constrained) f.push('--constrained');
  if (m.thinking) f.push('--thinking');
  return f;
}

async function ingest(argv: string[], io: Io): Promise<number> {
  const { values: o, positionals } = parse(argv, {
    out: { type: 'string', short: 'o' },
    manifest: { type: 'string' },
    data: { type: 'string' },
    force: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  });
  const [requestsPath, resultsPath, extra] = positionals;
  if (!requestsPath || !resultsPath)
    throw new UsageError(
      'Missing files: arbiter batch ingest <requests.jsonl> <results.jsonl> --out FILE',
    );
  if (extra) throw new UsageError(`Unexpected argument “${extra}”.`);
  if (typeof o.out !== 'string') throw new UsageError('Missing --out (the workspace file).');
  for (const p of [requestsPath, resultsPath])
    if (!existsSync(p)) throw new BatchConfigError(`${p} does not exist.`);
  const mPath =
    typeof o.manifest === 'string'
      ? o.manifest
      : join(dirname(requestsPath), manifestName(basename(requestsPath)));
  let manifestText: string;
  try {
    manifestText = await readFile(mPath, 'utf8');
  } catch {
    throw new BatchConfigError(
      `No manifest at ${mPath}: it is written beside the requests file by arbiter batch prepare (or pass --manifest).`,
    );
  }
  const manifest = parseManifest(manifestText);
  const dataPath = typeof o.data === 'string' ? o.data : join(dirname(mPath), manifest.input);
  if (!existsSync(dataPath))
    throw new BatchConfigError(
      `The dataset ${dataPath} (named in the manifest) is not there; pass --data FILE.`,
    );
  const input = await loadInput(dataPath, io, true);
  if (input.dataset.id !== manifest.datasetId)
    throw new BatchConfigError(
      `${dataPath} is not the file the batch was prepared from (its content differs).`,
    );

  const t0 = performance.now();
  const result = await ingestBatch({
    manifest,
    items: input.items,
    requests: lines(requestsPath),
    results: lines(resultsPath),
  });
  const out = o.out;
  // Streamed to a side file, and compared by hash: a big run never sits in memory as one string.
  const part = `${out}.part`;
  const written = await writeWorkspace(part, manifest, input, result);
  const before = existsSync(out) ? await fileHash(out) : null;
  const same = before === written;
  if (before !== null && !same && o.force !== true) {
    await unlink(part).catch(() => undefined);
    throw new BatchConfigError(
      `${out} exists and differs from this ingest (a live run may have added to it). Pass --force to replace it, or choose another --out.`,
    );
  }
  if (same) await unlink(part);
  else await rename(part, out);
  const ms = performance.now() - t0;
  return report(io, o.quiet === true, manifest, result, {
    out,
    dataPath,
    ms,
    same,
  });
}

/** Writes the workspace file of an ingest; resolves with the SHA-256 of what it wrote. */
async function writeWorkspace(
  path: string,
  m: BatchManifest,
  input: Input,
  r: BatchIngest,
): Promise<string> {
  const at = new Date(m.createdAt);
  const hash = createHash('sha256');
  const ws = createWriteStream(path);
  const put = async (line: string) => {
    hash.update(line);
    if (!ws.write(line)) await once(ws, 'drain');
  };
  await put(JSON.stringify(workspaceHeader('arbiter-cli', at)) + '\n');
  await put(
    workspaceLine({ kind: 'dataset', record: { ...input.dataset, createdAt: at.getTime() } }),
  );
  for (const item of input.items) await put(workspaceLine({ kind: 'item', record: item }));
  await put(workspaceLine({ kind: 'run', record: r.run }));
  for (const j of r.judgments) await put(workspaceLine({ kind: 'judgment', record: j }));
  ws.end();
  await once(ws, 'finish');
  return hash.digest('hex');
}

async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function report(
  io: Io,
  quiet: boolean,
  m: BatchManifest,
  r: BatchIngest,
  x: { out: string; dataPath: string; ms: number; same: boolean },
): number {
  const c = r.counts;
  for (const p of r.problems.slice(0, 50))
    io.err(
      `${p.file}:${p.line}: ${p.kind}${p.customId ? ` ${p.customId.slice(0, 12)}…` : ''}: ${p.message}\n`,
    );
  if (r.problems.length > 50) io.err(`… and ${r.problems.length - 50} more.\n`);
  if (!quiet)
    io.out(
      `${c.judged} of ${c.requests} requests judged, ${c.failed} failed, ${c.missing} without a result (${c.resultLines} result lines) in ${Math.round(x.ms)} ms.\n` +
        `${x.same ? 'Unchanged' : 'Wrote'} ${x.out}: run ${r.run.id}, ${r.run.progress.done} of ${r.run.progress.total} judgments, parse failures ${String(r.run.summary?.parseFailures ?? 0)}.\n`,
    );
  if (c.failed + c.missing === 0) return 0;
  io.out(
    `Finish the rest live (judgments already in ${x.out} are skipped):\n  arbiter judge ${x.dataPath} --endpoint URL ${judgeFlags(m).join(' ')} --resume ${x.out}\n`,
  );
  return 1;
}
