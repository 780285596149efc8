// Small, eagerly loaded part of the OpenAI-compatible engine: capabilities and the model spec.
import type { GrammarField } from './constraint-fields';
import type { ModelSpec } from './types';

/** What the server is known to support; the connection test fills it in. */
export interface OpenAICapabilities {
  streaming: boolean;
  logprobs: boolean;
  /** response_format {type:'json_schema'}; otherwise {type:'json_object'} is sent. */
  jsonSchema: boolean;
  /** The body field grammars go in (constraint-fields.ts): the server's "Constrained verdicts" setting. */
  grammar: GrammarField;
  /** Which /tokenize the server has; 'none' means token counts are estimates. */
  tokenize: 'vllm' | 'llama.cpp' | 'none';
}

export const DEFAULT_CAPABILITIES: OpenAICapabilities = {
  streaming: true,
  logprobs: true,
  jsonSchema: true,
  grammar: 'none',
  tokenize: 'none',
};

/** A model spec for a model served by an OpenAI-compatible server (`modelUrl` is the endpoint). */
export function openaiModelSpec(
  endpoint: string,
  modelId: string,
  contextWindow = 8192,
  verdictGrammar = false,
): ModelSpec {
  return {
    engine: 'openai',
    modelId,
    modelUrl: endpoint,
    modelLibUrl: '',
    contextWindow,
    thinking: false,
    ...(verdictGrammar ? { verdictGrammar: true } : {}),
  };
}
