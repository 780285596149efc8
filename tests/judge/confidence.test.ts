// scoreProbabilities (its expected value becomes a judgment's stored score) against hand computations.
import { describe, expect, it } from 'vitest';
import { scoreProbabilities } from '../../src/lib/judge';
import type { TokenLogprob } from '../../src/lib/engine/types';

/** Tokens of a text, with the alternatives given at some of them (probabilities, not logprobs). */
function tokens(parts: [string, number, Record<string, number>?][]): TokenLogprob[] {
  return parts.map(([token, p, alts]) => ({
    token,
    logprob: Math.log(p),
    top_logprobs: Object.entries(alts ?? {}).map(([t, q]) => ({ token: t, logprob: Math.log(q) })),
  }));
}

describe('scoreProbabilities', () => {
  // "I give 5 points. Rating: [[8]]": the verdict span is the "8" at offset 27.
  const text = ['I give ', '5', ' points. Rating: [[', '8', ']]'];
  const span: [number, number] = [27, 28];

  it('weights the in-range integer tokens at the score position, tokenizer variants summed', () => {
    expect(text.join('').slice(...span)).toBe('8');
    const lp = tokens([
      [text[0]!, 1],
      [text[1]!, 0.9, { '5': 0.9, '4': 0.1 }],
      [text[2]!, 1],
      // "8" 0.5 and " 8" 0.1 are one score; "0" is outside 1..10; "x" is no score.
      [text[3]!, 0.5, { '8': 0.5, '7': 0.2, '9': 0.1, ' 8': 0.1, '0': 0.03, x: 0.05 }],
      [text[4]!, 1],
    ]);
    const r = scoreProbabilities(lp, span, [1, 10])!;
    // Mass 0.6 + 0.2 + 0.1 = 0.9; expected (8·0.6 + 7·0.2 + 9·0.1) / 0.9 = 7.1 / 0.9.
    expect(r.mass).toBeCloseTo(0.9, 12);
    expect(r.expected).toBeCloseTo(7.1 / 0.9, 12);
    expect(r.distribution[8]).toBeCloseTo(2 / 3, 12);
    expect(r.distribution[7]).toBeCloseTo(2 / 9, 12);
    expect(r.distribution[9]).toBeCloseTo(1 / 9, 12);
    expect(r.distribution[0]).toBeUndefined();
  });

  it('counts the generated token when top_logprobs leaves it out', () => {
    const lp = tokens([
      [text[0]!, 1],
      [text[1]!, 1],
      [text[2]!, 1],
      [text[3]!, 0.6, { '7': 0.3 }],
      [text[4]!, 1],
    ]);
    // (8·0.6 + 7·0.3) / 0.9 = 6.9 / 0.9.
    expect(scoreProbabilities(lp, span, [1, 10])!.expected).toBeCloseTo(6.9 / 0.9, 12);
  });

  it('is null without logprobs, span or any in-range candidate', () => {
    expect(scoreProbabilities(null, span, [1, 10])).toBeNull();
    expect(scoreProbabilities([], span, [1, 10])).toBeNull();
    expect(scoreProbabilities(tokens([['no score here', 1]]), null, [1, 10])).toBeNull();
    expect(
      scoreProbabilities(
        tokens([
          ['[[', 1],
          ['12', 1],
        ]),
        [2, 4],
        [1, 10],
      ),
    ).toBeNull();
  });
});
