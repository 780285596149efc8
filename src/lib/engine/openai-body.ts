// The JSON body of one /v1/chat/completions request: what the live engine sends and what a batch file holds.
import type { GenerateRequest } from '../judge/port';
import { constraintFields } from './constraint-fields';
import type { OpenAICapabilities } from './openai-spec';

/**
 * The body for `req` to `modelId` on a server with `caps`. The live engine (OpenAIEngine.body)
 * and the batch files (run/batch-files.ts) both call this, so a prepared request is the one the
 * CLI would send.
 */
export function chatCompletionBody(
  modelId: string,
  req: GenerateRequest,
  caps: OpenAICapabilities,
  stream: boolean,
): Record<string, unknown> {
  const b: Record<string, unknown> = { model: modelId, messages: req.messages };
  if (req.temperature !== undefined) b.temperature = req.temperature;
  if (req.top_p !== undefined) b.top_p = req.top_p;
  if (req.seed !== undefined) b.seed = req.seed;
  if (req.max_tokens !== undefined) b.max_tokens = req.max_tokens;
  if (req.logprobs && caps.logprobs) {
    b.logprobs = true;
    if (req.top_logprobs !== undefined) b.top_logprobs = req.top_logprobs;
  }
  if (req.enable_thinking !== undefined)
    b.chat_template_kwargs = { enable_thinking: req.enable_thinking };
  const rf = req.response_format;
  if (rf?.type === 'json_object') {
    if (rf.schema && caps.jsonSchema) {
      b.response_format = {
        type: 'json_schema',
        json_schema: { name: 'verdict', schema: JSON.parse(rf.schema) as unknown, strict: true },
      };
    } else {
      b.response_format = { type: 'json_object' };
    }
  } else if (rf?.type === 'grammar') {
    Object.assign(b, constraintFields(caps.grammar, rf.grammar));
  }
  if (stream) {
    b.stream = true;
    b.stream_options = { include_usage: true };
  }
  return b;
}
