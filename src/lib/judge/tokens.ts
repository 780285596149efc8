// Token estimates without a tokenizer, for context-window checks and template overhead.
import type { ChatMessage } from '../engine/types';

/** Chat-template tokens around each message (role markers, separators) in common templates. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/g;

/**
 * Estimate the tokens of `text`: one per CJK character (BPE vocabularies of Qwen and Llama spend
 * about one token on each) and one per four other characters, the usual English rate. It errs
 * a little high on plain English prose, which is the safe side for a context-window check.
 */
export function estimateTokens(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  return cjk + Math.ceil((text.length - cjk) / 4);
}

/** Estimated tokens of a whole conversation, chat-template overhead included. */
export function estimateMessagesTokens(messages: ChatMessage[]): number {
  return messages.reduce((n, m) => n + MESSAGE_OVERHEAD_TOKENS + estimateTokens(m.content), 0);
}
