// Logprobs on llama.cpp: asked only under a grammar, as post-sampling probabilities, and read back as the port's logprobs.
import { describe, expect, it } from 'vitest';
import { toTokenLogprobs, toWllamaRequest } from '../../src/lib/engine/wllama-host';

const messages = [{ role: 'user' as const, content: 'A or B?' }];

describe('logprobs in wllama requests', () => {
  it('under a grammar: post-sampling probabilities of the whole grammar-allowed distribution', () => {
    const out = toWllamaRequest({
      messages,
      logprobs: true,
      top_logprobs: 5,
      response_format: { type: 'grammar', grammar: 'root ::= "A" | "B"' },
    });
    expect(out).toMatchObject({
      logprobs: true,
      top_logprobs: 5,
      post_sampling_probs: true,
      top_k: 0,
      top_p: 1,
      min_p: 0,
      grammar: 'root ::= "A" | "B"',
    });
  });

  it('under a JSON schema (its strings are not ASCII-bounded): none', () => {
    const schema = JSON.stringify({ type: 'object', properties: { verdict: { enum: ['A'] } } });
    const out = toWllamaRequest({
      messages,
      logprobs: true,
      response_format: { type: 'json_object', schema },
    });
    expect(out.logprobs).toBeUndefined();
    expect(out).not.toHaveProperty('post_sampling_probs');
  });
});

describe('toTokenLogprobs', () => {
  it('reads post-sampling probabilities as natural logs, and plain logprobs as they are', () => {
    const got = toTokenLogprobs([
      {
        token: 'A',
        prob: 0.25,
        top_probs: [
          { token: 'B', prob: 0.5 },
          { token: 'A', prob: 0.25 },
          { token: 'C', prob: 0 },
        ],
      },
      { token: 'x', logprob: -1.5, top_logprobs: [{ token: 'x', logprob: -1.5 }] },
    ]);
    expect(got[0]?.token).toBe('A');
    expect(got[0]?.logprob).toBeCloseTo(-1.3862943611, 9); // ln 0.25
    expect(got[0]?.top_logprobs.map((c) => c.token)).toEqual(['B', 'A', 'C']);
    expect(got[0]?.top_logprobs[0]?.logprob).toBeCloseTo(-0.6931471806, 9); // ln 0.5
    // A candidate the samplers cut (p = 0) stays finite, so it survives JSON, and weighs nothing.
    expect(Number.isFinite(got[0]?.top_logprobs[2]?.logprob)).toBe(true);
    expect(Math.exp(got[0]?.top_logprobs[2]?.logprob ?? 0)).toBe(0);
    expect(got[1]).toEqual({
      token: 'x',
      logprob: -1.5,
      top_logprobs: [{ token: 'x', logprob: -1.5 }],
    });
  });

  it('no content: none', () => {
    expect(toTokenLogprobs(null)).toEqual([]);
    expect(toTokenLogprobs(undefined)).toEqual([]);
  });
});
