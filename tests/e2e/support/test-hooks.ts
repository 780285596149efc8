// Test hooks linked only into the e2e build: test models served by the deterministic engine.
import type { TestHooks } from '../../../src/lib/test-hooks-types';
import type {
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
  ModelSpec,
} from '../../../src/lib/engine/types';
import { DeviceLostError, EngineCrashedError } from '../../../src/lib/engine/errors';
import {
  DeterministicEngine,
  firstPositionAnswer,
  type ScriptedResponse,
} from '../../support/deterministic-engine';

/**
 * How the e2e tests steer the test judge, through the answers they paste:
 * - no marker: it always prefers the answer shown first (position bias), so both orders flip;
 * - one answer containing ✔ and the other ✘: it prefers the ✔ answer in both orders;
 * - "XSS-OUTPUT" anywhere: its reasoning carries script payloads, which must never run.
 */
const XSS = '<img src=x onerror="window.__xssRan=1"><script>window.__xssRan=2</script>';

// Each swap turns a first-position verdict into the second-position one, format by format.
const SWAPS: [RegExp, string][] = [
  [/\[\[A\]\]/g, '[[B]]'],
  [/\[\[A>B\]\]/g, '[[B>A]]'],
  [/\[\[A>>B\]\]/g, '[[B>>A]]'],
  [/decision is Response 1/g, 'decision is Response 2'],
  [/Winner: Judgement A/g, 'Winner: Judgement B'],
  [/\[RESULT\] A/g, '[RESULT] B'],
  [/"verdict": "A"/g, '"verdict": "B"'],
  [/"verdict": "A>B"/g, '"verdict": "B>A"'],
  [/^A$/g, 'B'],
];

function respond(req: GenerateRequest, thinking: boolean): ScriptedResponse {
  const first = firstPositionAnswer(req, thinking);
  const user = req.messages.map((m) => m.content).join('\n');
  let text = first.text;
  const good = user.indexOf('✔');
  const bad = user.indexOf('✘');
  if (good >= 0 && bad >= 0 && bad < good) {
    for (const [re, to] of SWAPS) text = text.replace(re, to);
    first.verdictLogprobs = { A: -1.8, B: -0.2 };
  }
  if (user.includes('XSS-OUTPUT')) text = `${XSS}\n\n${text}`;
  return { ...first, text };
}

function tokensPerSecond(): number {
  const v = Number(localStorage.getItem('arbiter.test.tps'));
  return Number.isFinite(v) && v > 0 ? v : 60;
}

const base = {
  modelUrl: 'http://127.0.0.1/test-models/',
  modelLibUrl: 'http://127.0.0.1/test.wasm',
};

const testModels: ModelSpec[] = [
  { ...base, modelId: 'arbiter-test-judge', contextWindow: 4096, thinking: true },
  { ...base, modelId: 'arbiter-test-judge-small-context', contextWindow: 512, thinking: false },
];

/**
 * Failures the e2e tests inject: localStorage 'arbiter.test.failAt' = JSON like
 * {"5":"device-lost","9":"crash"}, keyed by the 1-based generate() call of this page; each fires once.
 */
class FailingEngine extends DeterministicEngine {
  private calls = 0;
  override generate(req: GenerateRequest, opts?: GenerateOptions): Promise<GenerateResult> {
    this.calls += 1;
    let plan: Record<string, string>;
    try {
      plan = JSON.parse(localStorage.getItem('arbiter.test.failAt') ?? '{}') as Record<
        string,
        string
      >;
    } catch {
      plan = {};
    }
    const kind = plan[String(this.calls)];
    if (kind === 'device-lost') return Promise.reject(new DeviceLostError());
    if (kind === 'crash') return Promise.reject(new EngineCrashedError());
    return super.generate(req, opts);
  }
}

const engines = new Map<string, DeterministicEngine>();

export const testHooks: TestHooks = {
  testModels,
  createTestEngine(spec) {
    let e = engines.get(spec.modelId);
    if (!e) {
      const thinking = spec.thinking;
      e = new FailingEngine({
        tokensPerSecond: tokensPerSecond(),
        respond: (req) => respond(req, thinking),
        loadMs: 300,
      });
      engines.set(spec.modelId, e);
    }
    // Tests read how many requests reached the engine (the "no work twice" check).
    (window as unknown as { __arbiterTestEngines: typeof engines }).__arbiterTestEngines = engines;
    return e;
  },
};
