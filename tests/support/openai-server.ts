// A real OpenAI-compatible HTTP server for tests and benchmarks: node:http on 127.0.0.1, scripted replies, real SSE framing.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A chat request as the server received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown> | null;
}

/** What to answer one request with. Without `status`/`raw`/`hang`, a completion of `text`. */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Error or JSON body (with `status`), sent as JSON. */
  json?: unknown;
  /** The completion text, streamed one token (word) per SSE event when the request streams. */
  text?: string;
  /** Reasoning sent as `reasoning_content` before the text. */
  reasoning?: string;
  /** Top logprobs at every token: { token: logprob }. */
  topLogprobs?: Record<string, number>;
  finishReason?: 'stop' | 'length';
  /** Raw SSE bytes instead of generated events (for malformed-line tests); written as they are. */
  raw?: string[];
  /** Milliseconds between SSE writes; unstreamed, the answer waits this long per token. */
  delayMs?: number;
  /** Milliseconds before the response starts. */
  latencyMs?: number;
  /** Destroy the socket after this many SSE writes (a dropped connection). */
  dropAfter?: number;
  /** Never answer (a hung server). */
  hang?: boolean;
  /** An unstreamed 200 answer sent as this JSON, whatever it holds (an empty `choices`, say). */
  answer?: unknown;
  /** Send no `usage` (servers that do not count tokens). */
  noUsage?: boolean;
}

export type Handler = (req: RecordedRequest, n: number) => Reply | Promise<Reply>;

export interface ServerOptions {
  /** Default: answer `[[A]]` in J1 form. */
  handler?: Handler;
  models?: { id: string; max_model_len?: number }[];
  /** Which /tokenize the server offers (default vllm). */
  tokenize?: 'vllm' | 'llama.cpp' | 'none';
  /** Whether response_format json_schema is accepted (default true); false answers 400. */
  jsonSchema?: boolean;
  /** Whether logprobs are returned when asked (default true). */
  logprobs?: boolean;
  /** Default delay between streamed tokens when a reply gives none. */
  tokenDelayMs?: number;
  /** Record request bodies (default true; the benchmark turns it off). */
  record?: boolean;
  /** Listen on this port (a server coming back where a closed one was); default any free one. */
  port?: number;
}

export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  /** Chat completions being answered right now, and the most ever at once. */
  inFlight: number;
  maxInFlight: number;
  completions: number;
  close(): Promise<void>;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-expose-headers': 'retry-after',
};

const TOKEN_RE = /\s*\S+/g;

/** Word tokens (leading space kept), so text.join('') === text. */
export function words(text: string): string[] {
  const t: string[] = [...(text.match(TOKEN_RE) ?? [])];
  const joined = t.join('');
  if (joined.length < text.length) t.push(text.slice(joined.length));
  return t;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function lastUser(body: Record<string, unknown> | null): string {
  const msgs = (body?.messages ?? []) as { role: string; content: string }[];
  return msgs.filter((m) => m.role === 'user').at(-1)?.content ?? '';
}

/**
 * A content-based judge: prefers whichever answer contains "GOOD" (as shown), so both orders
 * agree and the verdict depends only on the item, never on timing.
 */
export const markerJudge: Handler = (req) => {
  const user = lastUser(req.body);
  const good = user.indexOf('GOOD');
  const bad = user.indexOf('BAD');
  const first = good !== -1 && (bad === -1 || good < bad);
  return { text: `<think>Compared both.</think> <answer>[[${first ? 'A' : 'B'}]]</answer>` };
};

export async function startOpenAIServer(opts: ServerOptions = {}): Promise<TestServer> {
  const handler = opts.handler ?? markerJudge;
  const models = opts.models ?? [{ id: 'test-judge', max_model_len: 4096 }];
  const tokenizeMode = opts.tokenize ?? 'vllm';
  const record = opts.record ?? true;
  const sockets = new Set<Socket>();
  let n = 0;
  const state: TestServer = {
    url: '',
    requests: [],
    inFlight: 0,
    maxInFlight: 0,
    completions: 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  const send = (res: ServerResponse, status: number, json: unknown, extra = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...CORS, ...extra });
    res.end(JSON.stringify(json));
  };

  const completion = async (
    req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown>,
  ) => {
    const reply = await handler(
      { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body },
      n++,
    );
    if (reply.latencyMs) await sleep(reply.latencyMs);
    if (reply.hang) return; // the socket stays open until the client gives up or close()
    if (reply.status && reply.status !== 200) {
      send(
        res,
        reply.status,
        reply.json ?? { error: { message: 'scripted error' } },
        reply.headers,
      );
      return;
    }
    if (reply.answer !== undefined && body.stream !== true) {
      send(res, 200, reply.answer);
      return;
    }
    const rf = body.response_format as { type?: string } | undefined;
    if (rf?.type === 'json_schema' && opts.jsonSchema === false) {
      send(res, 400, { error: { message: 'response_format json_schema is not supported' } });
      return;
    }
    const model = String(body.model ?? '');
    const text = reply.text ?? '';
    const tokens = words(text);
    const reasoning = reply.reasoning ? words(reply.reasoning) : [];
    const wantLogprobs = body.logprobs === true && opts.logprobs !== false;
    const top = reply.topLogprobs;
    const lp = (token: string) => ({
      token,
      logprob: top?.[token.trim()] ?? -0.01,
      top_logprobs: Object.entries(top ?? { [token]: -0.01 }).map(([t, l]) => ({
        token: t,
        logprob: l,
      })),
    });
    const promptTokens = JSON.stringify(body.messages ?? []).length >> 2;
    const usage = reply.noUsage
      ? undefined
      : {
          prompt_tokens: promptTokens,
          completion_tokens: tokens.length + reasoning.length,
          total_tokens: promptTokens + tokens.length + reasoning.length,
        };
    const finish = reply.finishReason ?? 'stop';
    const delay = reply.delayMs ?? opts.tokenDelayMs ?? 0;
    if (body.stream !== true) {
      // The same decode time as a stream at this token rate, then the whole answer at once.
      if (delay > 0) await sleep(delay * (tokens.length + reasoning.length));
      if (res.destroyed) return;
      send(res, 200, {
        id: 'cmpl-1',
        object: 'chat.completion',
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: text,
              ...(reply.reasoning ? { reasoning_content: reply.reasoning } : {}),
            },
            finish_reason: finish,
            logprobs: wantLogprobs ? { content: tokens.map(lp) } : null,
          },
        ],
        usage,
      });
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...CORS,
    });
    const events: string[] =
      reply.raw ??
      [...reasoning.map((t) => ({ reasoning_content: t })), ...tokens.map((t) => ({ content: t }))]
        .map((delta, i) => {
          const isContent = 'content' in delta;
          const chunk = {
            id: 'cmpl-1',
            object: 'chat.completion.chunk',
            model,
            choices: [
              {
                index: 0,
                delta: i === 0 ? { role: 'assistant', ...delta } : delta,
                finish_reason: null,
                logprobs:
                  wantLogprobs && isContent ? { content: [lp(delta.content as string)] } : null,
              },
            ],
          };
          return `data: ${JSON.stringify(chunk)}\n\n`;
        })
        .concat(
          `data: ${JSON.stringify({ id: 'cmpl-1', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: {}, finish_reason: finish }] })}\n\n`,
          usage
            ? `data: ${JSON.stringify({ id: 'cmpl-1', object: 'chat.completion.chunk', model, choices: [], usage })}\n\n`
            : [],
          'data: [DONE]\n\n',
        );
    let written = 0;
    for (const ev of events) {
      if (reply.dropAfter !== undefined && written >= reply.dropAfter) {
        // Let what was written reach the client first, as a real mid-stream drop would.
        await sleep(20);
        res.socket?.destroy();
        return;
      }
      if (res.destroyed) return;
      res.write(ev);
      written++;
      if (delay > 0) await sleep(delay);
    }
    res.end();
  };

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method === 'OPTIONS') {
        res.writeHead(204, CORS);
        res.end();
        return;
      }
      const raw = req.method === 'POST' ? await readBody(req) : '';
      let body: Record<string, unknown> | null = null;
      if (raw) {
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          send(res, 400, { error: { message: 'body is not JSON' } });
          return;
        }
      }
      if (record)
        state.requests.push({ method: req.method ?? '', path, headers: req.headers, body });
      if (path === '/v1/models' && req.method === 'GET') {
        send(res, 200, { object: 'list', data: models.map((m) => ({ object: 'model', ...m })) });
      } else if (path === '/v1/chat/completions' && req.method === 'POST' && body) {
        state.inFlight++;
        state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
        try {
          await completion(req, res, body);
          state.completions++;
        } finally {
          state.inFlight--;
        }
      } else if (path === '/tokenize' && tokenizeMode === 'vllm' && body?.messages) {
        const count =
          words((body.messages as { content: string }[]).map((m) => m.content).join(' ')).length +
          3;
        send(res, 200, { count, max_model_len: models[0]?.max_model_len ?? 4096, tokens: [] });
      } else if (path === '/apply-template' && tokenizeMode === 'llama.cpp' && body) {
        const prompt = (body.messages as { role: string; content: string }[])
          .map((m) => `<|${m.role}|>${m.content}`)
          .join('');
        send(res, 200, { prompt });
      } else if (path === '/tokenize' && tokenizeMode === 'llama.cpp' && body) {
        send(res, 200, { tokens: words(String(body.content ?? '')).map((_, i) => i) });
      } else {
        send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
      }
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { message: String(e) } });
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
