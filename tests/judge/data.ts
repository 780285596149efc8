// Loads the shared real data sets (../shared/data next to the repo) for the judge tests.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Path of a file under ../shared/data, relative to the repository root. */
export function sharedDataPath(rel: string): string {
  return fileURLToPath(new URL(`../../../shared/data/${rel}`, import.meta.url));
}

/**
 * The data is not in this repository: it lives in ../shared/data beside the checkout. A missing
 * file fails the test with the path it looked for, never skips it.
 */
export function readShared(rel: string): string {
  const path = sharedDataPath(rel);
  if (!existsSync(path))
    throw new Error(
      `Test data missing: ${path}. The judge tests read real data sets from ../shared/data, ` +
        'a folder beside this checkout (see README, "Test data"). Put ../shared there and run again.',
    );
  return readFileSync(path, 'utf8');
}

export function readJsonl<T>(rel: string): T[] {
  return readShared(rel)
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
