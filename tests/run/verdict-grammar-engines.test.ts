// Constrained verdicts per engine kind: the protocol grammar in each engine's own request, and the continuation of a budget-exhausted answer under the verdict tail.
import { afterEach, describe, expect, it } from 'vitest';
import { buildRequest, getTemplate, judgeItem, type Template } from '../../src/lib/judge';
import type { EnginePort, GenerateRequest, GenerateResult } from '../../src/lib/judge/port';
import { toWebLLMRequest } from '../../src/lib/engine/webllm-adapt';
import { toWllamaRequest } from '../../src/lib/engine/wllama-host';
import { OpenAIEngine, openaiModelSpec } from '../../src/lib/engine/openai-engine';
import { judgeConfig, takesVerdictGrammar, type PairContext } from '../../src/lib/run/pair';
import type { EngineKind } from '../../src/lib/store';
import type { GrammarField } from '../../src/lib/engine/constraint-fields';
import { startOpenAIServer, type TestServer } from '../support/openai-server';
import { gbnfAccepts } from '../support/gbnf-match';

const template = getTemplate('j1-pairwise') as Template;
const item = { prompt: 'Capital of France?', responseA: 'Paris.', responseB: 'Lyon.' };
/** J1's tail, written out by hand (verdict-grammar.ts builds it from the format). */
const TAIL =
  /^root ::= \[ \\n\]\? tail\ntail ::= "<answer>\[\[" \("A" \| "B" \| "C"\) "\]\]<\/answer>"$/;

function ctx(engine: EngineKind, verdictGrammar = false): PairContext {
  return {
    item,
    template,
    options: {
      bothOrders: true,
      allowTie: true,
      samples: 1,
      temperature: 0,
      seed: 42,
      maxTokens: 64,
      logprobs: false,
      constrained: true,
    },
    model: {
      engine,
      modelId: 'judge',
      thinking: true,
      grammar: takesVerdictGrammar(engine, { verdictGrammar }),
    },
  };
}

const fullGrammar = () => template.verdictGrammar!({ order: 'AB', thinkingModel: true });

describe('which engines take the protocol grammar', () => {
  it.each<[string, EngineKind, boolean, boolean]>([
    ['web-llm', 'webllm', false, true],
    ['llama.cpp', 'wllama', false, true],
    ['a server with its grammar field set', 'openai', true, true],
    ['a server with constrained verdicts off', 'openai', false, false],
    ['the test engine', 'test', false, false],
  ])('%s', (_, engine, setting, grammar) => {
    expect(takesVerdictGrammar(engine, { verdictGrammar: setting })).toBe(grammar);
    expect(judgeConfig(ctx(engine, setting)).constraint).toBe(grammar ? 'grammar' : undefined);
  });
});

describe('the protocol grammar in each engine’s request', () => {
  it('web-llm: response_format grammar (XGrammar), thinking off so the grammar holds from the first token', () => {
    const out = toWebLLMRequest(buildRequest(item, judgeConfig(ctx('webllm')), 'AB'));
    expect(out.response_format).toEqual({ type: 'grammar', grammar: fullGrammar() });
    expect(out.extra_body).toEqual({ enable_thinking: false });
    // The prompt still asks for J1's own form, not JSON.
    const user = String(out.messages.at(-1)?.content);
    expect(user).toContain('<answer>');
    expect(user).not.toContain('JSON');
  });

  it('llama.cpp: the grammar field', () => {
    const out = toWllamaRequest(buildRequest(item, judgeConfig(ctx('wllama')), 'AB'));
    expect(out.grammar).toBe(fullGrammar());
  });

  it('a server with the setting off keeps the JSON form', () => {
    const req = buildRequest(item, judgeConfig(ctx('openai', false)), 'AB');
    expect(req.response_format?.type).toBe('json_object');
  });
});

/** The answer that used up its budget before the verdict. */
const CUT = '<think>Answer A names Paris, which is right; answer B names Lyon, which';
const isContinuation = (messages: { role: string }[]) => messages.at(-2)?.role === 'assistant';

/** An engine port of `kind` that maps each request the way that engine does, and records it. */
class MappingPort<T> implements EnginePort {
  readonly mapped: T[] = [];
  constructor(
    readonly kind: EngineKind,
    private readonly map: (r: GenerateRequest) => T,
  ) {}
  async generate(req: GenerateRequest): Promise<GenerateResult> {
    this.mapped.push(this.map(req));
    const cont = isContinuation(req.messages);
    return {
      text: cont ? '<answer>[[A]]</answer>' : CUT,
      usage: {
        promptTokens: 10,
        completionTokens: cont ? 5 : 64,
        prefillTokensPerS: null,
        decodeTokensPerS: null,
        timeToFirstTokenMs: null,
        totalMs: 1,
      },
      logprobs: null,
      finishReason: cont ? 'stop' : 'length',
    };
  }
  async countTokens(): Promise<number> {
    return 10;
  }
}

describe('a budget-exhausted answer is finished under the verdict tail, per engine', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  async function judged(engine: EnginePort, kind: EngineKind, setting = false) {
    const r = await judgeItem(engine, item, judgeConfig(ctx(kind, setting)));
    const js = r.orders.flatMap((o) => o.judgments);
    expect(js.map((j) => [j.continued, j.parse.status])).toEqual([
      [true, 'ok'],
      [true, 'ok'],
    ]);
    // Mapped back to original positions: A in the first order, B in the swapped one.
    expect(js.map((j) => j.parse.verdict)).toEqual(['A', 'B']);
    return js;
  }

  it('web-llm: the continuation carries response_format grammar', async () => {
    const port = new MappingPort('webllm', toWebLLMRequest);
    await judged(port, 'webllm');
    expect(port.mapped).toHaveLength(4);
    const cont = port.mapped[1];
    expect(cont?.response_format?.type).toBe('grammar');
    expect(cont?.response_format?.grammar).toMatch(TAIL);
    expect(cont?.max_tokens).toBe(24);
    expect(cont?.extra_body).toEqual({ enable_thinking: false });
  });

  it('llama.cpp: the continuation carries grammar', async () => {
    const port = new MappingPort('wllama', toWllamaRequest);
    await judged(port, 'wllama');
    const cont = port.mapped[1];
    expect(cont?.grammar).toMatch(TAIL);
    expect(gbnfAccepts(String(cont?.grammar), '<answer>[[A]]</answer>')).toBe(true);
  });

  type Body = Record<string, unknown>;
  const SERVERS: [string, GrammarField, (b: Body) => unknown][] = [
    ['vllm', 'structured_outputs', (b) => (b.structured_outputs as Body | undefined)?.grammar],
    ['llama.cpp', 'grammar', (b) => b.grammar],
    ['sglang', 'ebnf', (b) => b.ebnf],
  ];
  for (const [kind, field, pick] of SERVERS) {
    it(`a server set to ${kind}: the continuation's body carries ${field}, at the real local server`, async () => {
      server = await startOpenAIServer({
        handler: (req) => {
          const messages = (req.body?.messages ?? []) as { role: string }[];
          return isContinuation(messages)
            ? { text: '<answer>[[A]]</answer>' }
            : { text: CUT, finishReason: 'length' };
        },
      });
      const engine = new OpenAIEngine({
        endpoint: server.url,
        backoff: { retries: 0 },
        capabilities: { grammar: field },
      });
      await engine.load(openaiModelSpec(server.url, 'test-judge', 4096, true));
      await judged(engine, 'openai', true);
      const bodies = server.requests
        .filter((r) => r.path === '/v1/chat/completions')
        .map((r) => r.body!);
      expect(bodies).toHaveLength(4);
      expect(pick(bodies[0]!)).toBe(fullGrammar());
      expect(String(pick(bodies[1]!))).toMatch(TAIL);
      expect(bodies[1]!.max_tokens).toBe(24);
    });
  }
});
