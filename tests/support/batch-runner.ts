// A stand-in for `vllm run-batch` in tests: reads a requests file, asks a local OpenAI-compatible server, writes vLLM's result lines.
import { readFileSync, writeFileSync } from 'node:fs';
import { mulberry32 } from '../../src/lib/judge/stats';

export interface FakeBatchOptions {
  /** Skip these request lines (0-based): a batch that stopped before them. */
  skip?: (index: number, customId: string) => boolean;
  /** Shuffle the result lines with this seed (run-batch writes them as requests finish). */
  shuffleSeed?: number;
  /** Result line format: vLLM's run-batch (default) or the OpenAI Batch API's. */
  format?: 'vllm' | 'openai';
}

/**
 * Answers every request line with the server and writes one result line per answer, in the shape
 * `vllm run-batch` writes (`{"id", "custom_id", "response": {"status_code", "request_id",
 * "body"}, "error": null}`). Returns how many lines it wrote.
 */
export async function runFakeBatch(
  requestsPath: string,
  resultsPath: string,
  serverUrl: string,
  opts: FakeBatchOptions = {},
): Promise<number> {
  const lines = readFileSync(requestsPath, 'utf8').split('\n').filter(Boolean);
  const out: string[] = [];
  for (const [i, raw] of lines.entries()) {
    const req = JSON.parse(raw) as { custom_id: string; url: string; body: unknown };
    if (opts.skip?.(i, req.custom_id)) continue;
    const res = await fetch(`${serverUrl}${req.url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(req.body),
    });
    const body = (await res.json()) as unknown;
    const ok = res.status === 200;
    const id = opts.format === 'openai' ? `batch_req_${i}` : `vllm-${i.toString(16)}`;
    const requestId = opts.format === 'openai' ? `req_${i}` : `vllm-batch-${i.toString(16)}`;
    out.push(
      JSON.stringify({
        id,
        custom_id: req.custom_id,
        response: { status_code: res.status, request_id: requestId, body: ok ? body : null },
        error: ok ? null : body,
      }),
    );
  }
  if (opts.shuffleSeed !== undefined) {
    const rand = mulberry32(opts.shuffleSeed);
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [out[i], out[j]] = [out[j] as string, out[i] as string];
    }
  }
  writeFileSync(resultsPath, out.map((l) => l + '\n').join(''));
  return out.length;
}
