// Loads the shared real data sets (../shared/data next to the repo) for the judge tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Path of a file under ../shared/data, relative to the repository root. */
export function sharedDataPath(rel: string): string {
  return fileURLToPath(new URL(`../../../shared/data/${rel}`, import.meta.url));
}

export function readJsonl<T>(rel: string): T[] {
  return readFileSync(sharedDataPath(rel), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export interface JudgeOutputRow {
  id: string;
  source: string;
  judge: string;
  protocol: string;
  text: string;
  /** 'A' | 'B' | 'tie' | 'unparsed', or an integer rating. */
  verdict: string | number;
  kind: 'pairwise' | 'rating';
  meta: Record<string, unknown>;
}

export interface RecordedJudgeRow {
  id: string;
  label: 'A' | 'B' | 'tie';
  gpt35: { result: string; reason: string };
  pandalm7b: { result: number; reason: string };
}
