// Reads of stored runs the review shows beside a dashboard: the picker's runs, compare, leaderboard, full texts for search.
import type { Weighting } from '../judge/metrics';
import type { Repositories, RunRecord } from '../store';
import { compareRuns, type RunComparison } from './compare';
import { REVIEW_BOOTSTRAP } from './dashboard';
import { buildLeaderboard, type Leaderboard } from './leaderboard';
import type { DigestProgress } from '../store/digest-read';
import { readRun } from './load';
import { META_PROTOCOL } from './meta';
import { buildRowsFromTable, type ReviewRow } from './rows';
import { gradesVerdicts, strengthsOf } from './strengths';

/** Runs for the picker, newest first, meta-judge runs left out. */
export async function reviewableRuns(repos: Repositories): Promise<RunRecord[]> {
  return (await repos.runs.list()).filter((r) => r.config.protocol !== META_PROTOCOL);
}

/** Rows of a run with the dataset's labels as gold (compare, leaderboard); no run, no rows. */
export async function runRows(
  repos: Repositories,
  runId: string,
  onProgress?: DigestProgress,
): Promise<{ run: RunRecord | undefined; rows: ReviewRow[] }> {
  const l = await readRun(repos, runId, onProgress);
  if (!l) return { run: undefined, rows: [] };
  return {
    run: l.run,
    rows: buildRowsFromTable({
      run: l.run,
      table: l.table,
      items: l.itemsById,
      labels: [...l.labels.values()],
    }),
  };
}

/** Two runs side by side: their records and how their verdicts compare. */
export async function compareStored(
  repos: Repositories,
  a: string,
  b: string,
  onProgress?: DigestProgress,
): Promise<{ runs: [RunRecord | undefined, RunRecord | undefined]; comparison: RunComparison }> {
  const [ra, rb] = await Promise.all([
    runRows(repos, a, onProgress),
    runRows(repos, b, onProgress),
  ]);
  return { runs: [ra.run, rb.run], comparison: compareRuns(ra.rows, rb.rows, REVIEW_BOOTSTRAP) };
}

export interface LeaderboardChoice {
  weighting: Weighting;
  lengthControl: boolean;
}

/**
 * The leaderboard of a run's rows. Arena-Hard weighting needs graded verdicts: a run whose
 * protocol does not grade them is ranked plain, and a graded one reads its strengths.
 */
export async function runLeaderboard(
  repos: Repositories,
  run: RunRecord | undefined,
  rows: readonly ReviewRow[],
  choice: LeaderboardChoice,
): Promise<Leaderboard | null> {
  const weighting = gradesVerdicts(run) ? choice.weighting : 'plain';
  return buildLeaderboard(rows, {
    bootstrap: { iterations: 200, seed: 1 },
    lengthControl: choice.lengthControl,
    weighting,
    ...(weighting === 'arena-hard' && run
      ? { strengths: await strengthsOf(repos.judgments, run.id) }
      : {}),
  });
}

/**
 * The items' full texts (prompt and answers, lowercased) by id, for the text filter; an item no
 * longer stored is left out.
 */
export async function searchTexts(
  repos: Repositories,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const items = await repos.items.getMany(ids);
  return new Map(
    items
      .filter((it) => it !== undefined)
      .map((it) => [
        it.id,
        `${it.prompt}\u0000${it.responseA}\u0000${it.responseB ?? ''}`.toLowerCase(),
      ]),
  );
}
