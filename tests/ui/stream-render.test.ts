// Streaming render costs O(new text): one flush per frame, tags found once, each finished block rendered once.
import { describe, expect, it, vi } from 'vitest';
import {
  BlockRenderer,
  FrameBatcher,
  StreamSplitter,
  type Block,
} from '../../src/lib/ui/stream-render';
import { splitThinking } from '../../src/lib/ui/thinking';

describe('FrameBatcher', () => {
  it('applies only the latest value per key, once per frame', () => {
    const frames: (() => void)[] = [];
    const applied: [string, number][] = [];
    const b = new FrameBatcher<string, number>(
      (k, v) => applied.push([k, v]),
      (run) => frames.push(run),
      0,
    );
    for (let i = 1; i <= 1000; i++) b.set(i % 2 ? 'AB' : 'BA', i);
    expect(frames).toHaveLength(1);
    expect(applied).toEqual([]);
    frames[0]!();
    expect(applied).toEqual([
      ['AB', 999],
      ['BA', 1000],
    ]);
    b.set('AB', 1001);
    expect(frames).toHaveLength(2);
  });

  it('waits out the minimum interval after a flush before asking for the next frame', () => {
    vi.useFakeTimers();
    try {
      let now = 1000;
      const frames: (() => void)[] = [];
      const applied: number[] = [];
      const b = new FrameBatcher<string, number>(
        (_k, v) => applied.push(v),
        (run) => frames.push(run),
        50,
        () => now,
      );
      b.set('AB', 1);
      frames.shift()!();
      expect(applied).toEqual([1]);
      now += 10;
      b.set('AB', 2);
      b.set('AB', 3);
      expect(frames).toHaveLength(0);
      now += 40;
      vi.advanceTimersByTime(40);
      expect(frames).toHaveLength(1);
      frames.shift()!();
      expect(applied).toEqual([1, 3]);
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    // [chars per ms, measured render cost ms, wait from the set 20 ms after the last render]
    [0.2, 4, 980], // 50 tok/s: 4 ms wants 320 chars = 1.6 s, capped at 1 s after the last render
    [1.2, 4, 246], // 300 tok/s: the 296 chars still owed arrive in 246.7 ms
    [4, 4, 80], // 1,000 tok/s: paid in 60 ms, but renders are 100 ms apart at least
    [0.2, 0.5, 180], // a cheaper render wants only 40 chars: 36 more in 180 ms
  ])(
    'with a budget, waits until new text at %f chars/ms pays for a %f ms render (%i ms)',
    (rate, cost, expected) => {
      vi.useFakeTimers();
      try {
        let now = 1000;
        const frames: (() => void)[] = [];
        const applied: number[] = [];
        const b = new FrameBatcher<string, number>(
          (_k, v) => applied.push(v),
          (run) => frames.push(run),
          100,
          () => now,
          { msPerUnit: 0.0125, maxIntervalMs: 1000, measure: (_s, done) => done(cost) },
        );
        b.set('AB', 0, 10);
        frames.shift()!();
        expect(applied).toEqual([0]);
        // Text keeps arriving at `rate`; the first piece, 20 ms later, schedules the next render.
        now += 20;
        b.set('AB', 1, rate * 20);
        vi.advanceTimersByTime(expected - 1);
        expect(frames).toHaveLength(0);
        vi.advanceTimersByTime(2);
        expect(frames).toHaveLength(1);
        now += expected;
        frames.shift()!();
        expect(applied).toEqual([0, 1]);
      } finally {
        vi.useRealTimers();
      }
    },
  );

  it('a wait shorter than a frame asks for the frame at once, with no timer task', () => {
    vi.useFakeTimers();
    try {
      let now = 1000;
      const frames: (() => void)[] = [];
      const b = new FrameBatcher<string, number>(
        () => undefined,
        (run) => frames.push(run),
        100,
        () => now,
        { msPerUnit: 0.0125, maxIntervalMs: 1000, measure: (_s, done) => done(10) },
      );
      b.set('AB', 0, 1);
      frames.shift()!();
      // 990 ms later the once-a-second render is 10 ms away: that is the next frame anyway.
      now += 990;
      b.set('AB', 1, 1);
      expect(frames).toHaveLength(1);
      expect(vi.getTimerCount()).toBe(0);
      frames.shift()!();
      // 500 ms later it is 500 ms away: a timer waits.
      now += 500;
      b.set('AB', 2, 1);
      expect(frames).toHaveLength(0);
      expect(vi.getTimerCount()).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a new stream's first text, and a new run's, go on the next frame, not when the budget allows", () => {
    vi.useFakeTimers();
    try {
      let now = 1000;
      const frames: (() => void)[] = [];
      const applied: string[] = [];
      const b = new FrameBatcher<string, string>(
        (k, v) => applied.push(`${k}=${v}`),
        (run) => frames.push(run),
        100,
        () => now,
        { msPerUnit: 0.0125, maxIntervalMs: 1000, measure: (_s, done) => done(10) },
      );
      b.set('AB', 'a', 1);
      frames.shift()!();
      now += 10;
      // AB's next text waits for the budget (a 10 ms render wants 800 chars)...
      b.set('AB', 'ab', 1);
      expect(frames).toHaveLength(0);
      // ...but BA's first text is shown on the next frame, with AB's latest.
      b.set('BA', 'b', 1);
      expect(frames).toHaveLength(1);
      frames.shift()!();
      expect(applied).toEqual(['AB=a', 'AB=ab', 'BA=b']);
      // A new run starts over: its first text does not wait either.
      b.clear();
      b.set('AB', 'x', 1);
      expect(frames).toHaveLength(1);
      vi.advanceTimersByTime(2000);
      expect(frames).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an explicit flush (a judgment finished) renders at once, whatever the budget', () => {
    const applied: number[] = [];
    const b = new FrameBatcher<string, number>(
      (_k, v) => applied.push(v),
      () => undefined,
      100,
      () => 0,
      { msPerUnit: 0.0125, maxIntervalMs: 1000, measure: (_s, done) => done(50) },
    );
    b.set('AB', 1, 1);
    b.flush();
    b.set('AB', 2, 1);
    b.flush();
    expect(applied).toEqual([1, 2]);
  });

  it('flush applies at once; clear drops what is pending', () => {
    const frames: (() => void)[] = [];
    const applied: number[] = [];
    const b = new FrameBatcher<string, number>(
      (_k, v) => applied.push(v),
      (run) => frames.push(run),
    );
    b.set('AB', 1);
    b.flush();
    expect(applied).toEqual([1]);
    b.set('AB', 2);
    b.clear();
    frames.forEach((f) => f());
    expect(applied).toEqual([1]);
  });

  it('hold keeps frames from applying until the next flush, which applies the latest value', () => {
    const frames: (() => void)[] = [];
    const applied: number[] = [];
    const b = new FrameBatcher<string, number>(
      (_k, v) => applied.push(v),
      (run) => frames.push(run),
      0,
    );
    b.set('AB', 1);
    b.hold();
    b.set('AB', 2);
    frames.splice(0).forEach((f) => f());
    expect(applied).toEqual([]);
    b.flush();
    expect(applied).toEqual([2]);
    // Released: the next text goes on the next frame again.
    b.set('AB', 3);
    frames.splice(0).forEach((f) => f());
    expect(applied).toEqual([2, 3]);
  });
});

/** Every prefix of `text`, as a stream delivers it in chunks of `step` characters. */
function prefixes(text: string, step: number): string[] {
  const out: string[] = [];
  for (let i = step; i < text.length + step; i += step) out.push(text.slice(0, i));
  return out;
}

describe('StreamSplitter', () => {
  const texts = [
    '<think>I weigh A against B.\n\nA is right.</think>\n\nThe answer is [[A]].',
    'Thinking without an opening tag, so A.</think>[[A]]',
    'Note first.<think>x</think>[[B]]',
    'No thinking at all: [[A]]',
  ];
  it.each(texts.flatMap((t) => [1, 3, 7].map((s) => [t, s] as const)))(
    'agrees with splitThinking on every prefix (%j, step %i)',
    (text, step) => {
      const s = new StreamSplitter();
      for (const p of prefixes(text, step)) {
        const got = s.update(p);
        const want = splitThinking(p);
        expect(got.thinking?.trim() ?? null).toBe(want.thinking?.trim() ?? null);
        expect(got.answer.trim()).toBe(want.answer.trim());
        expect(got.thinkingOpen).toBe(want.thinkingOpen);
      }
    },
  );

  it('starts over when the text is replaced, not extended', () => {
    const s = new StreamSplitter();
    s.update('<think>a</think>b');
    expect(s.update('plain')).toEqual({ thinking: null, answer: 'plain', thinkingOpen: false });
  });
});

const md = (s: string) => `<md>${s.trim()}</md>`;
const shown = (blocks: Block[]) =>
  blocks.map((b) => ('html' in b ? b.html : 'raw' in b ? `raw:${b.raw}` : 'nodes'));

describe('BlockRenderer', () => {
  const text =
    'First paragraph with **bold**.\n\n- one\n- two\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\nA <b>tag</b> stays text.\n\nOpen tail';

  it('renders each finished block once, whatever the chunking, and keeps the tail as text', () => {
    for (const step of [1, 2, 5, 13, text.length]) {
      let calls = 0;
      const r = new BlockRenderer((s) => (calls++, md(s)));
      const blocks: Block[] = [];
      let tail = '';
      for (const p of prefixes(text, step)) {
        const u = r.update(p);
        expect(u.reset).toBe(false);
        blocks.push(...u.append);
        tail = u.tail;
      }
      expect(shown(blocks)).toEqual([
        '<md>First paragraph with **bold**.</md>',
        '<md>- one\n- two</md>',
        // A blank line inside a code fence does not end the block.
        '<md>```js\nconst a = 1;\n\nconst b = 2;\n```</md>',
        'raw:A <b>tag</b> stays text.',
      ]);
      expect(calls).toBe(3);
      expect(tail).toBe('Open tail');
    }
  });

  it('with renderMany, the blocks finished in one update go in one call, raw blocks apart, the same HTML', () => {
    for (const step of [1, 7, text.length]) {
      const batches: string[][] = [];
      const r = new BlockRenderer(md, (ms) => (batches.push(ms), ms.map(md).join('')));
      const one = new BlockRenderer(md);
      let html = '';
      let expected = '';
      for (const p of prefixes(text, step)) {
        html += shown(r.update(p).append).join('|');
        expected += shown(one.update(p).append).join('|');
      }
      html += shown(r.update(text, true).append).join('|');
      expected += shown(one.update(text, true).append).join('|');
      expect(html.replace(/\|/g, '')).toBe(expected.replace(/\|/g, ''));
      // Each block rendered once, in order.
      expect(batches.flat().map((b) => b.trim())).toEqual([
        'First paragraph with **bold**.',
        '- one\n- two',
        '```js\nconst a = 1;\n\nconst b = 2;\n```',
        'Open tail',
      ]);
      if (step === text.length) expect(batches[0]).toHaveLength(3);
    }
  });

  it('resets when the text is replaced', () => {
    const r = new BlockRenderer(md);
    r.update('One.\n\nTwo');
    const u = r.update('Other.\n\nText');
    expect(u.reset).toBe(true);
    expect(shown(u.append)).toEqual(['<md>Other.</md>']);
  });

  it('does work proportional to the new text: 2,000 tokens cost 2,000 small updates', () => {
    let rendered = 0;
    const r = new BlockRenderer((s) => ((rendered += s.length), md(s)));
    let text = '';
    for (let i = 0; i < 2000; i++) {
      text += i % 60 === 59 ? '\n\n' : ' word';
      r.update(text);
    }
    // Every character was rendered at most once (finished blocks only), not once per token.
    expect(rendered).toBeLessThanOrEqual(text.length);
    expect(rendered).toBeGreaterThan(text.length * 0.9);
  });
});
