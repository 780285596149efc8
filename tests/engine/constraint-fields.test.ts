// Constrained verdicts on OpenAI-compatible servers: each setting's field in the request body at a real local server, refusals named, the probe.
import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIEngine, openaiModelSpec } from '../../src/lib/engine/openai-engine';
import {
  CONSTRAIN_KINDS,
  GrammarRejectedError,
  constraintFields,
  grammarField,
  type ConstrainKind,
} from '../../src/lib/engine/constraint-fields';
import { ServerError } from '../../src/lib/engine/errors';
import { probeServer } from '../../src/lib/engine/openai-probe';
import { startOpenAIServer, type Handler, type TestServer } from '../support/openai-server';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const GRAMMAR = 'root ::= free tail\ntail ::= "[[" ("A" | "B") "]]"\nfree ::= [a-z ]*';
const msgs = [{ role: 'user' as const, content: 'Which is better?' }];

/** Written out by hand from each server's documentation, not from constraintFields. */
const EXPECTED: Record<ConstrainKind, Record<string, unknown>> = {
  off: {},
  'llama.cpp': { grammar: GRAMMAR },
  vllm: { structured_outputs: { grammar: GRAMMAR } },
  'vllm-guided': { guided_grammar: GRAMMAR },
  sglang: { ebnf: GRAMMAR },
};
const GRAMMAR_KEYS = ['grammar', 'structured_outputs', 'guided_grammar', 'ebnf'];

async function engineWith(kind: ConstrainKind, handler: Handler) {
  server = await startOpenAIServer({ handler });
  const engine = new OpenAIEngine({
    endpoint: server.url,
    backoff: { retries: 0 },
    capabilities: { grammar: grammarField(kind) },
  });
  await engine.load(openaiModelSpec(server.url, 'test-judge', 4096, kind !== 'off'));
  return engine;
}

/** The grammar fields a recorded body carries. */
function grammarPart(body: Record<string, unknown> | null): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body ?? {}).filter(([k]) => GRAMMAR_KEYS.includes(k)));
}

describe('constraintFields', () => {
  for (const kind of CONSTRAIN_KINDS) {
    it(`${kind}: the body carries the grammar where the server reads it`, async () => {
      expect(constraintFields(grammarField(kind), GRAMMAR)).toEqual(EXPECTED[kind]);
      const engine = await engineWith(kind, () => ({ text: 'fine [[A]]' }));
      await engine.generate({
        messages: msgs,
        max_tokens: 16,
        response_format: { type: 'grammar', grammar: GRAMMAR },
      });
      const chat = server!.requests.filter((r) => r.path === '/v1/chat/completions');
      expect(chat).toHaveLength(1);
      expect(grammarPart(chat[0]!.body)).toEqual(EXPECTED[kind]);
    });
  }

  it('a request without a grammar carries none of the fields, whatever the setting', async () => {
    const engine = await engineWith('vllm', () => ({ text: 'A' }));
    await engine.generate({ messages: msgs, max_tokens: 4 });
    expect(grammarPart(server!.requests.at(-1)!.body)).toEqual({});
  });

  it('a 400 to a request with a grammar names the field and the setting; without one it stays a server error', async () => {
    const engine = await engineWith('sglang', (req) =>
      req.body?.ebnf
        ? { status: 400, json: { error: { message: 'Unknown field: ebnf' } } }
        : { status: 400, json: { error: { message: 'bad request' } } },
    );
    const refused = await engine
      .generate({ messages: msgs, response_format: { type: 'grammar', grammar: GRAMMAR } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GrammarRejectedError);
    const err = refused as GrammarRejectedError;
    expect(err.message).toContain('`ebnf`');
    expect(err.message).toContain('Constrained verdicts: SGLang (ebnf)');
    expect(err.message).toContain('Unknown field: ebnf');
    expect(err.hint).toMatch(/Constrained verdicts.*--constrain/);
    // Refused for good: one request, no retries.
    expect(server!.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
    const plain = await engine.generate({ messages: msgs }).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(ServerError);
    expect(plain).not.toBeInstanceOf(GrammarRejectedError);
  });
});

describe('probeServer with a Constrained verdicts setting', () => {
  /** A server that follows a grammar only in the field it reads. */
  const honours =
    (field: string): Handler =>
    (req) => {
      if (req.body && field in req.body) return { text: 'B' };
      return { text: 'Sure, I think B is better.' };
    };

  it('tests the chosen field: works when the server follows it', async () => {
    server = await startOpenAIServer({ handler: honours('structured_outputs') });
    const r = await probeServer({ endpoint: server.url, constrain: 'vllm' });
    expect(r.grammar).toEqual({ ok: true, note: 'structured_outputs' });
    expect(r.capabilities.grammar).toBe('structured_outputs');
  });

  it('says which setting the server ignored', async () => {
    server = await startOpenAIServer({ handler: honours('structured_outputs') });
    const r = await probeServer({ endpoint: server.url, constrain: 'llama.cpp' });
    expect(r.grammar.ok).toBe(false);
    expect(!r.grammar.ok && r.grammar.reason).toMatch(
      /ignored grammar \(Constrained verdicts: llama\.cpp server \(grammar\)\)/,
    );
    expect(r.capabilities.grammar).toBe('none');
  });

  it('off: no grammar is tried, and the report says how to turn it on', async () => {
    server = await startOpenAIServer({ handler: honours('guided_grammar') });
    const r = await probeServer({ endpoint: server.url, constrain: 'off' });
    expect(r.grammar.ok).toBe(false);
    expect(!r.grammar.ok && r.grammar.reason).toMatch(/^off/);
    expect(r.capabilities.grammar).toBe('none');
    const sent = server.requests.map((q) => grammarPart(q.body));
    expect(sent.every((g) => Object.keys(g).length === 0)).toBe(true);
  });
});
