// `arbiter judge` with several --model: a panel, each model a member run judging the same items side by side, into one workspace file.
import { createHash } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import type { CliConfig } from './args';
import type { Io } from './io';
import {
  checkOut,
  ConfigError,
  judgeCommand,
  LineWriter,
  readChecked,
  readExisting,
  type Existing,
} from './run';
import { getTemplate, type Template } from '../src/lib/judge';
import { workspaceHeader, workspaceLine } from '../src/lib/data/workspace';
import { canonicalJson, sha256Hex, useSyncSha256 } from '../src/lib/store/key';
import type { PanelRecord, RunRecord } from '../src/lib/store/schema';

/**
 * Judges with every model of `cfg.models` at once (each member finds the endpoints that serve its
 * model: that is the pool's business) and writes one output: the dataset and items once, one run
 * per member (with `panelId`), their judgments, then the panel record. Resumable like one run: a
 * second call skips every judgment already in --out. The exit code is the worst member's; a
 * member that cannot start (exit 2) stops nothing the others judge, and is reported after.
 */
export async function panelCommand(
  cfg: CliConfig,
  io: Io,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  useSyncSha256((text) => createHash('sha256').update(text, 'utf8').digest('hex'));
  const template = getTemplate(cfg.protocol) as Template;
  const input = await readChecked(cfg, io, template);
  await checkOut(cfg.out);
  const read = await readExisting(cfg.out, io);
  if (!read) await writeFile(cfg.out, JSON.stringify(workspaceHeader('arbiter-cli')) + '\n');
  const existing: Existing = read ?? { byKey: new Map(), ids: new Set(), lines: 0 };
  const writer = new LineWriter(await open(cfg.out, 'a'));
  // Written here once, so no member writes them again.
  const put = (key: string, line: string) => {
    if (existing.ids.has(key)) return;
    existing.ids.add(key);
    writer.write(line);
  };
  put(`dataset:${input.dataset.id}`, workspaceLine({ kind: 'dataset', record: input.dataset }));
  for (const item of input.items)
    put(`item:${item.id}`, workspaceLine({ kind: 'item', record: item }));

  const panelId = `panel-cli-${(
    await sha256Hex(
      canonicalJson({
        dataset: input.dataset.id,
        models: cfg.models,
        template: template.id,
        version: template.version,
      }),
    )
  ).slice(0, 16)}`;
  const runs: (RunRecord | null)[] = cfg.models.map(() => null);
  const results = await Promise.allSettled(
    cfg.models.map((model, i) =>
      judgeCommand({ ...cfg, model, models: [model] }, io, env, {
        input,
        writer,
        existing,
        panelId,
        onRun: (run) => (runs[i] = run),
      }),
    ),
  );
  const made = runs.filter((r): r is RunRecord => r !== null);
  if (made.length === cfg.models.length) {
    const now = Date.now();
    const panel: PanelRecord = {
      id: panelId,
      name: `Panel: ${cfg.models.join(', ')}`,
      datasetId: input.dataset.id,
      protocol: template.kind,
      memberRunIds: made.map((r) => r.id),
      createdAt: now,
      updatedAt: now,
    };
    put(`panel:${panelId}`, workspaceLine({ kind: 'panel', record: panel }));
  }
  await writer.close();
  if (writer.error) throw writer.error;
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    const model = cfg.models[results.indexOf(failed)];
    const e = failed.reason as Error;
    throw e instanceof ConfigError ? new ConfigError(`--model ${model}: ${e.message}`) : e;
  }
  if (!cfg.quiet)
    io.err(
      `Panel ${panelId}: ${cfg.models.length} members (${cfg.models.join(', ')}) in ${cfg.out}; import it in the app and open Review panel.\n`,
    );
  return Math.max(...results.map((r) => (r.status === 'fulfilled' ? r.value : 2)));
}
