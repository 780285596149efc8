// Published LLMBar accuracies (Vanilla prompting, both orders averaged), shown beside the demo's "judge vs humans".
//
// From princeton-nlp/LLMBar @ 900616bf, Dataset/LLMBar/**/evaluators/*/Vanilla/statistics.json (MIT License,
// Copyright (c) 2023 Princeton Natural Language Processing), via ../shared/data/llmbar/published_accuracy.csv.
// Zeng et al., "Evaluating Large Language Models at Evaluating Instruction Following", ICLR 2024.
// accuracy = mean accuracy over both presentation orders (the paper's Acc.), agreement = the paper's
// positional agreement (same verdict in both orders).

export interface PublishedRow {
  set: string;
  evaluator: string;
  accuracyPct: number;
  agreementPct: number;
}

export const LLMBAR_PUBLISHED: readonly PublishedRow[] = [
  { set: 'Natural', evaluator: 'GPT-4', accuracyPct: 95.5, agreementPct: 95.0 },
  { set: 'Natural', evaluator: 'ChatGPT', accuracyPct: 81.5, agreementPct: 71.0 },
  { set: 'Natural', evaluator: 'PaLM2', accuracyPct: 83.0, agreementPct: 80.0 },
  { set: 'Natural', evaluator: 'LLaMA2', accuracyPct: 80.5, agreementPct: 79.0 },
  { set: 'Adversarial/Neighbor', evaluator: 'GPT-4', accuracyPct: 78.73, agreementPct: 93.28 },
  { set: 'Adversarial/Neighbor', evaluator: 'ChatGPT', accuracyPct: 19.4, agreementPct: 71.64 },
  { set: 'Adversarial/Neighbor', evaluator: 'PaLM2', accuracyPct: 62.69, agreementPct: 67.16 },
  { set: 'Adversarial/Neighbor', evaluator: 'LLaMA2', accuracyPct: 24.63, agreementPct: 77.61 },
  { set: 'Adversarial/GPTInst', evaluator: 'GPT-4', accuracyPct: 86.41, agreementPct: 94.57 },
  { set: 'Adversarial/GPTInst', evaluator: 'ChatGPT', accuracyPct: 26.63, agreementPct: 61.96 },
  { set: 'Adversarial/GPTInst', evaluator: 'PaLM2', accuracyPct: 73.37, agreementPct: 68.48 },
  { set: 'Adversarial/GPTInst', evaluator: 'LLaMA2', accuracyPct: 30.43, agreementPct: 72.83 },
  { set: 'Adversarial/GPTOut', evaluator: 'GPT-4', accuracyPct: 77.66, agreementPct: 93.62 },
  { set: 'Adversarial/GPTOut', evaluator: 'ChatGPT', accuracyPct: 41.49, agreementPct: 59.57 },
  { set: 'Adversarial/GPTOut', evaluator: 'PaLM2', accuracyPct: 59.57, agreementPct: 65.96 },
  { set: 'Adversarial/GPTOut', evaluator: 'LLaMA2', accuracyPct: 56.38, agreementPct: 72.34 },
];
