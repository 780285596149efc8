// Our requests in wllama's form and wllama's failures as named errors, table-driven (no engine needed).
import { describe, expect, it } from 'vitest';
import { WllamaError } from '@wllama/wllama';
import { mapWllamaError, toWllamaRequest } from '../../src/lib/engine/wllama-host';
import type { GenerateRequest } from '../../src/lib/engine/types';

const messages: GenerateRequest['messages'] = [{ role: 'user', content: 'A or B?' }];
const schema = JSON.stringify({
  type: 'object',
  properties: { verdict: { type: 'string', enum: ['A', 'B'] } },
});

describe('toWllamaRequest', () => {
  it.each<[string, GenerateRequest, Record<string, unknown>]>([
    [
      'defaults: greedy, a bounded output, the prompt cache kept',
      { messages },
      { temperature: 0, max_tokens: 512, cache_prompt: true },
    ],
    [
      'sampling fields pass through',
      { messages, temperature: 1, top_p: 0.9, seed: 7, max_tokens: 64 },
      { temperature: 1, top_p: 0.9, seed: 7, max_tokens: 64 },
    ],
    [
      'a grammar passes as GBNF',
      { messages, response_format: { type: 'grammar', grammar: 'root ::= "A"' } },
      { grammar: 'root ::= "A"' },
    ],
    [
      'thinking off reaches the chat template',
      { messages, enable_thinking: false },
      { chat_template_kwargs: { enable_thinking: false } },
    ],
  ])('%s', (_, req, expected) => {
    expect(toWllamaRequest(req)).toMatchObject(expected);
  });

  it('a JSON schema becomes our GBNF, never response_format (it fails in wllama 3.13.0)', () => {
    const out = toWllamaRequest({
      messages,
      response_format: { type: 'json_object', schema },
    });
    expect(out.grammar).toContain('("\\"A\\"" | "\\"B\\"")');
    expect(out.response_format).toBeUndefined();
  });

  it('never asks for logprobs without a grammar (they crash wllama 3.13.0 on partial UTF-8 tokens)', () => {
    const out = toWllamaRequest({ messages, logprobs: true, top_logprobs: 5 });
    expect(out.logprobs).toBeUndefined();
    expect(out.top_logprobs).toBeUndefined();
  });
});

describe('mapWllamaError', () => {
  it.each([
    [new WllamaError('kv cache is full', 'kv_cache_full'), 'ContextWindowExceededError'],
    [new Error('the prompt is too long: exceeds n_ctx'), 'ContextWindowExceededError'],
    [new RangeError('Array buffer allocation failed'), 'DeviceLostError'],
    [new Error('Cannot enlarge memory arrays'), 'DeviceLostError'],
    [new Error('RuntimeError: (ABORT)'), 'EngineCrashedError'],
    ['a string', 'EngineCrashedError'],
  ])('%s → %s', (e, name) => {
    expect(mapWllamaError(e).name).toBe(name);
  });
});
