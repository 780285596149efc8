// The template registry: every template the app offers, by id.
import type { Template } from '../types';
import { arenaHard } from './arena-hard';
import { autoJPairwise, autoJSingle } from './auto-j';
import { j1Pairwise, j1PairwiseReference, j1Single } from './j1';
import { metaRewardingMeta, metaRewardingScore } from './meta-rewarding';
import {
  mtBenchPair,
  mtBenchPairReference,
  mtBenchSingle,
  mtBenchSingleReference,
} from './mt-bench';
import { prometheusAbsolute, prometheusRelative } from './prometheus';
import { verdictOnly } from './verdict-only';

export { TemplateInputError } from './common';
export { multiTurnPromptName } from './mt-bench-multi-turn';

export const templates: readonly Template[] = [
  j1Pairwise,
  j1PairwiseReference,
  j1Single,
  mtBenchPair,
  mtBenchPairReference,
  mtBenchSingle,
  mtBenchSingleReference,
  arenaHard,
  autoJPairwise,
  autoJSingle,
  prometheusAbsolute,
  prometheusRelative,
  metaRewardingScore,
  metaRewardingMeta,
  verdictOnly,
];

/** The template with this id, or undefined. */
export function getTemplate(id: string): Template | undefined {
  return templates.find((t) => t.id === id);
}
