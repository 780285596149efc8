// Finishing a judgment the token budget cut off before its verdict: a short continuation constrained to the verdict alone.
import type { EnginePort, GenerateRequest, GenerateResult } from './port';
import type { Template } from './types';

/** Enough for the longest verdict tail ("the final decision is Response 2", "<answer>[[A]]</answer>"). */
export const CONTINUATION_MAX_TOKENS = 24;

const ASK =
  'Your reply was cut off before the verdict. Reply with only your final verdict now, in exactly ' +
  'the form the instructions ask for, and nothing else.';

/** The output so far, closed where it was cut inside a think block so the verdict reads as the answer. */
function closedText(text: string): string {
  const open = text.lastIndexOf('<think>');
  return open >= 0 && text.indexOf('</think>', open) < 0 ? `${text}\n</think>` : text;
}

/**
 * The continuation request, or null when none is due: only when the generation stopped at
 * max_tokens and no verdict can be read. The judge sees what it wrote and is asked for the
 * verdict alone, under the protocol's verdict grammar (engines without grammars get the words).
 */
export function continuationRequest(
  t: Template,
  request: GenerateRequest,
  res: GenerateResult,
  allowTie: boolean,
): GenerateRequest | null {
  if (res.finishReason !== 'length' || t.parse(res.text).status !== 'failed') return null;
  const grammar = t.verdictTailGrammar?.(allowTie);
  if (!grammar) return null;
  const req: GenerateRequest = {
    messages: [
      ...request.messages,
      { role: 'assistant', content: closedText(res.text) },
      { role: 'user', content: ASK },
    ],
    temperature: 0,
    max_tokens: CONTINUATION_MAX_TOKENS,
    response_format: { type: 'grammar', grammar },
  };
  if (request.seed !== undefined) req.seed = request.seed;
  // The verdict comes at once: a thinking model would spend the few tokens on thinking.
  if (request.enable_thinking !== undefined) req.enable_thinking = false;
  return req;
}

/** The cut-off output and its continuation as one result: the text joined, the work summed. */
export function joinContinuation(first: GenerateResult, cont: GenerateResult): GenerateResult {
  const head = closedText(first.text);
  const sep = /^\s/.test(cont.text) ? '' : '\n';
  return {
    text: `${head}${sep}${cont.text}`,
    usage: {
      ...first.usage,
      promptTokens: first.usage.promptTokens + cont.usage.promptTokens,
      completionTokens: first.usage.completionTokens + cont.usage.completionTokens,
      totalMs: first.usage.totalMs + cont.usage.totalMs,
    },
    // The verdict's logprobs are in the continuation; positions in the joined text differ, so
    // they are not kept (confidence is then unknown rather than wrong).
    logprobs: null,
    finishReason: cont.finishReason,
  };
}

/**
 * Finish `res` with a continuation when it was cut off before its verdict. `continued` says
 * whether one ran, so the judgment records it.
 */
export async function finishVerdict(
  engine: EnginePort,
  t: Template,
  request: GenerateRequest,
  res: GenerateResult,
  allowTie: boolean,
  signal?: AbortSignal,
): Promise<{ result: GenerateResult; continued: boolean }> {
  const req = continuationRequest(t, request, res, allowTie);
  if (!req) return { result: res, continued: false };
  const cont = await engine.generate(req, signal ? { signal } : {});
  return { result: joinContinuation(res, cont), continued: true };
}
