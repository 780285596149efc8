// The evaluation sets shipped with the app (copied from ../shared/data at build time): what they are, where from, their license.
import type { RowFilter } from './import/protocol';

/** One set the user can import with one click. */
export interface BundledSet {
  id: string;
  name: string;
  /** Folder under bundled/ (and ../shared/data) and file name. */
  folder: string;
  file: string;
  /** Only the rows of one subset. */
  filter?: RowFilter;
  description: string;
  source: string;
  license: string;
  /** Prompts without answers: imported as a prompt list, not as pairs. */
  promptsOnly?: boolean;
}

/** Base path of the bundled files in the built app. */
export const BUNDLED_BASE = 'bundled';

export const BUNDLED_SETS: readonly BundledSet[] = [
  {
    id: 'llmbar-natural',
    name: 'LLMBar Natural',
    folder: 'llmbar',
    file: 'llmbar.jsonl',
    filter: { key: 'subset', prefix: 'Natural' },
    description:
      '100 pairs from real instructions; the gold answer is the one that follows the instruction.',
    source: 'princeton-nlp/LLMBar (Zeng et al., ICLR 2024)',
    license:
      'MIT (Copyright (c) 2023 Princeton NLP); Natural pairs derive partly from AlpacaFarm (CC BY-NC 4.0).',
  },
  {
    id: 'llmbar-adversarial',
    name: 'LLMBar Adversarial',
    folder: 'llmbar',
    file: 'llmbar.jsonl',
    filter: { key: 'subset', prefix: 'Adversarial' },
    description:
      '319 adversarial pairs (Neighbor, GPTInst, GPTOut, Manual): the wrong answer looks better on the surface.',
    source: 'princeton-nlp/LLMBar (Zeng et al., ICLR 2024)',
    license: 'MIT (Copyright (c) 2023 Princeton NLP).',
  },
  {
    id: 'hhh-alignment',
    name: 'HHH alignment',
    folder: 'hhh-alignment',
    file: 'hhh_alignment.jsonl',
    description: '221 helpful / honest / harmless pairs.',
    source: 'BIG-bench hhh_alignment, via prometheus-eval',
    license: 'Apache-2.0.',
  },
  {
    id: 'evalbiasbench',
    name: 'EvalBiasBench',
    folder: 'evalbiasbench',
    file: 'evalbiasbench.jsonl',
    description: '80 pairs probing six judge biases (length, concreteness, empty reference, …).',
    source: 'ncsoft/offsetbias',
    license: 'BSD-3-Clause ((c) 2024 NCSOFT Corporation).',
  },
  {
    id: 'pandalm-test',
    name: 'PandaLM test set',
    folder: 'pandalm-test',
    file: 'pandalm_test.jsonl',
    description: '999 human-annotated pairs, ties included.',
    source: 'WeOpenML/PandaLM (testset-v1)',
    license: 'Apache-2.0.',
  },
  {
    id: 'mt-bench-prompts',
    name: 'MT-Bench prompts',
    folder: 'prompts',
    file: 'mt_bench_questions.jsonl',
    description:
      '80 two-turn questions in 8 categories (30 with GPT-4 reference answers). Prompts only: no answers to compare.',
    source: 'lm-sys/FastChat',
    license: 'Apache-2.0.',
    promptsOnly: true,
  },
  {
    id: 'arena-hard-prompts',
    name: 'Arena-Hard v0.1 prompts',
    folder: 'prompts',
    file: 'arena_hard_v0.1_questions.jsonl',
    description:
      '500 hard Chatbot Arena prompts with topic clusters. Prompts only: no answers to compare.',
    source: 'lmarena/arena-hard-auto',
    license: 'Apache-2.0.',
    promptsOnly: true,
  },
];

/** The folders the build copies (each with its README.md, which holds the notice). */
export const BUNDLED_FOLDERS = [...new Set(BUNDLED_SETS.map((s) => s.folder))];
