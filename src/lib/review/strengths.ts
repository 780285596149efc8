// Verdict strengths of a run's judgments, read only for Arena-Hard's weighting (the review digest does not keep them).
import { getTemplate } from '../judge/templates';
import type { JudgmentRecord, RunRecord } from '../store/schema';

/** What strengthsOf reads: a run's full judgment records. */
export interface RunJudgments {
  byRun(runId: string): Promise<JudgmentRecord[]>;
}

/** Whether the run's template grades its verdicts (Arena-Hard's A>>B), so a weighting can differ. */
export function gradesVerdicts(run: RunRecord | undefined): boolean {
  return run ? getTemplate(run.config.templateId)?.graded === true : false;
}

/** Strength of each judgment that has one, by judgment id. */
export async function strengthsOf(
  judgments: RunJudgments,
  runId: string,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const j of await judgments.byRun(runId)) {
    if (typeof j.strength === 'number') out.set(j.id, j.strength);
  }
  return out;
}
