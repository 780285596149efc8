// What `arbiter judge` and `arbiter batch prepare` judge with: the template, options and model from the command line.
import { getTemplate, type Template } from '../src/lib/judge';
import { defaultMaxTokens } from '../src/lib/judge/options';
import type { PairModel, PairOptions } from '../src/lib/run/pair';
import type { CliConfig } from './args';

/** The command-line choices that change the requests sent. */
export type JudgeChoices = Pick<
  CliConfig,
  | 'protocol'
  | 'model'
  | 'bothOrders'
  | 'allowTie'
  | 'samples'
  | 'temperature'
  | 'seed'
  | 'maxTokens'
  | 'logprobs'
  | 'constrained'
  | 'thinking'
  | 'constrain'
>;

export interface JudgeSettings {
  template: Template;
  options: PairOptions;
  model: PairModel;
}

/** The settings both commands build their requests and keys from, so they agree on both. */
export function judgeSettings(cfg: JudgeChoices): JudgeSettings {
  const template = getTemplate(cfg.protocol) as Template;
  return {
    template,
    options: {
      bothOrders: cfg.bothOrders,
      allowTie: cfg.allowTie,
      samples: cfg.samples,
      temperature: cfg.temperature,
      seed: cfg.seed,
      maxTokens: cfg.maxTokens ?? defaultMaxTokens(template, cfg.thinking),
      logprobs: cfg.logprobs,
      constrained: cfg.constrained,
    },
    model: {
      engine: 'openai',
      modelId: cfg.model,
      thinking: cfg.thinking,
      grammar: cfg.constrain !== 'off',
    },
  };
}
