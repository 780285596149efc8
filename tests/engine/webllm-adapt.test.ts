// web-llm ↔ engine translations: error mapping (with web-llm 0.2.86's own names and messages), requests, usage, URLs; device words.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/lib/engine/errors';
import { describeDevice, noWebGPU, queryDevice } from '../../src/lib/engine/device';
import {
  estimateTokens,
  mapWebLLMError,
  resolvedModelUrl,
  shouldPurgeAfterFailedLoad,
  toUsage,
  toWebLLMRequest,
} from '../../src/lib/engine/webllm-adapt';

const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('mapWebLLMError', () => {
  it.each([
    [
      named(
        'WebGPUNotAvailableError',
        'WebGPU is not supported in your current environment, but it is necessary to run the WebLLM engine.',
      ),
      'load',
      E.WebGPUNotAvailableError,
    ],
    [
      new Error(
        "Unable to find a compatible GPU. This issue might be because your computer doesn't have a GPU",
      ),
      'load',
      E.WebGPUNotAvailableError,
    ],
    [
      named(
        'ShaderF16SupportError',
        'This model requires WebGPU extension shader-f16, which is not enabled in this browser.',
      ),
      'load',
      E.ShaderF16SupportError,
    ],
    [
      named(
        'FeatureSupportError',
        'This model requires feature shader-f16, which is not yet supported by this browser.',
      ),
      'load',
      E.ShaderF16SupportError,
    ],
    [
      named('DeviceLostError', 'The WebGPU device was lost while loading the model.'),
      'load',
      E.DeviceLostError,
    ],
    [
      named(
        'ContextWindowSizeExceededError',
        'Prompt tokens exceed context window size: number of prompt tokens: 5000; context window size: 4096',
      ),
      'generate',
      E.ContextWindowExceededError,
    ],
    [named('QuotaExceededError', 'The quota has been exceeded.'), 'load', E.StorageQuotaError],
    [
      named(
        'ModelNotLoadedError',
        'Model not loaded before trying to complete ChatCompletionRequest.',
      ),
      'generate',
      E.ModelNotLoadedError,
    ],
    [new TypeError('Failed to fetch'), 'load', E.NetworkError],
    [new TypeError("Failed to execute 'add' on 'Cache': Request failed"), 'load', E.NetworkError],
    [named('AbortError', 'The user aborted a request.'), 'load', E.AbortedError],
    ['Engine.unload() is called.', 'load', E.AbortedError],
    [
      new SyntaxError('Unexpected token \'<\', "<!doctype "... is not valid JSON'),
      'load',
      E.ModelFilesInvalidError,
    ],
    [
      named('IntegrityError', 'Integrity verification failed for https://x/mlc-chat-config.json'),
      'load',
      E.ModelFilesInvalidError,
    ],
  ] as const)('%s (%s)', (raw, stage, Cls) => {
    const e = mapWebLLMError(raw, stage);
    expect(e).toBeInstanceOf(Cls);
    expect(e.detail.cause).toBeDefined();
  });

  it('keeps numbers that help the user: prompt size and window', () => {
    const e = mapWebLLMError(
      named(
        'ContextWindowSizeExceededError',
        'Prompt tokens exceed context window size: number of prompt tokens: 5000; context window size: 4096',
      ),
      'generate',
    );
    expect(e.detail).toMatchObject({ promptTokens: 5000, contextWindow: 4096 });
  });

  it('leaves unknown failures as a plain EngineError, and a TypeError outside a load is not a network error', () => {
    expect(mapWebLLMError(new Error('weird'), 'generate').constructor).toBe(E.EngineError);
    expect(mapWebLLMError(new TypeError('x is undefined'), 'generate')).not.toBeInstanceOf(
      E.NetworkError,
    );
  });
});

describe('shouldPurgeAfterFailedLoad', () => {
  it.each([
    [new E.ModelFilesInvalidError(), true],
    [new E.EngineError('unknown'), true],
    [new E.NetworkError(), false],
    [new E.AbortedError(), false],
    [new E.StorageQuotaError(), false],
    [new E.DeviceLostError(), false],
  ])('%s → %s', (err, purge) => expect(shouldPurgeAfterFailedLoad(err)).toBe(purge));
});

describe('toWebLLMRequest', () => {
  const messages = [{ role: 'user' as const, content: 'hi' }];
  it('always streams with usage, and makes logprobs actually record (top_logprobs 1..5)', () => {
    expect(toWebLLMRequest({ messages })).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(toWebLLMRequest({ messages }).logprobs).toBeUndefined();
    expect(toWebLLMRequest({ messages, logprobs: true }).top_logprobs).toBe(1);
    expect(toWebLLMRequest({ messages, logprobs: true, top_logprobs: 20 }).top_logprobs).toBe(5);
    expect(toWebLLMRequest({ messages, logprobs: true, top_logprobs: 0 }).top_logprobs).toBe(1);
  });
  it('passes thinking and response format the way web-llm reads them', () => {
    const r = toWebLLMRequest({
      messages,
      enable_thinking: false,
      response_format: { type: 'json_object', schema: '{}' },
      temperature: 0,
      seed: 7,
    });
    expect(r.extra_body).toEqual({ enable_thinking: false });
    expect(r.response_format).toEqual({ type: 'json_object', schema: '{}' });
    expect(r).toMatchObject({ temperature: 0, seed: 7 });
    expect(
      toWebLLMRequest({ messages, response_format: { type: 'text' } }).response_format,
    ).toBeUndefined();
  });
});

describe('toUsage', () => {
  it('converts seconds to ms and keeps rates', () => {
    const u = toUsage(
      {
        prompt_tokens: 100,
        completion_tokens: 20,
        total_tokens: 120,
        extra: {
          e2e_latency_s: 2.5,
          prefill_tokens_per_s: 400,
          decode_tokens_per_s: 12.5,
          time_to_first_token_s: 0.25,
          time_per_output_token_s: 0.08,
        },
      },
      9999,
    );
    expect(u).toEqual({
      promptTokens: 100,
      completionTokens: 20,
      prefillTokensPerS: 400,
      decodeTokensPerS: 12.5,
      timeToFirstTokenMs: 250,
      totalMs: 2500,
    });
    expect(toUsage(undefined, 1234.4)).toMatchObject({
      promptTokens: 0,
      prefillTokensPerS: null,
      totalMs: 1234,
    });
  });
});

describe('resolvedModelUrl (web-llm cleanModelUrl)', () => {
  it.each([
    ['https://huggingface.co/mlc-ai/X-MLC', 'https://huggingface.co/mlc-ai/X-MLC/resolve/main/'],
    ['https://huggingface.co/mlc-ai/X-MLC/', 'https://huggingface.co/mlc-ai/X-MLC/resolve/main/'],
    ['http://127.0.0.1:9/models/x/resolve/v2/', 'http://127.0.0.1:9/models/x/resolve/v2/'],
  ])('%s', (input, out) => expect(resolvedModelUrl(input)).toBe(out));
});

describe('estimateTokens', () => {
  it('grows with text and messages, and errs high for English', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(20); // ~200 BPE tokens
    expect(estimateTokens([{ role: 'user', content: text }])).toBeGreaterThan(200);
    expect(
      estimateTokens([
        { role: 'user', content: 'a' },
        { role: 'user', content: 'a' },
      ]),
    ).toBeGreaterThan(estimateTokens([{ role: 'user', content: 'a' }]));
  });
});

describe('device check without a browser', () => {
  const adapter = (features: string[], info: Record<string, unknown>) =>
    ({
      info,
      features: new Set(features),
      limits: { maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 30 },
    }) as unknown as GPUAdapter;
  const gpuWith = (a: GPUAdapter | null) => ({ requestAdapter: async () => a }) as unknown as GPU;

  it('reads vendor, fallback, f16 and limits', async () => {
    const d = await queryDevice(
      gpuWith(
        adapter(['shader-f16'], {
          vendor: 'apple',
          architecture: 'metal-3',
          description: '',
          device: '',
          isFallbackAdapter: false,
        }),
      ),
    );
    expect(d).toMatchObject({
      webgpu: true,
      vendor: 'apple',
      shaderF16: true,
      isFallbackAdapter: false,
      maxStorageBufferBindingSize: 2 ** 30,
    });
    expect(describeDevice(d)).toMatch(/q4f16/);
  });
  it('treats a SwiftShader adapter as fallback even without the flag', async () => {
    const d = await queryDevice(
      gpuWith(
        adapter([], { vendor: 'google', architecture: 'swiftshader', description: '', device: '' }),
      ),
    );
    expect(d.isFallbackAdapter).toBe(true);
    expect(describeDevice(d)).toMatch(/software adapter.*slow/);
    expect(describeDevice(d)).toMatch(/only q4f32/);
  });
  it('answers, not throws, when there is no WebGPU or no adapter', async () => {
    expect((await queryDevice(undefined)).webgpu).toBe(false);
    const none = await queryDevice(gpuWith(null));
    expect(none.webgpu).toBe(false);
    expect(describeDevice(none)).toMatch(/^No WebGPU/);
    expect(describeDevice(noWebGPU('x.'))).toMatch(/OpenAI-compatible/);
  });
});
