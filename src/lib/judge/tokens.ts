// Token estimates without a tokenizer; defined in the port, which engines share with the judge.
export { MESSAGE_OVERHEAD_TOKENS, estimateMessagesTokens, estimateTokens } from './port';
