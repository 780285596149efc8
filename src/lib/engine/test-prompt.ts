// The Models page's test prompt: a short streamed generation that shows the model works and how fast it is here.
import type { JudgeEngine, ModelSpec } from './types';

export interface TestPromptResult {
  text: string;
  decodeTokensPerS: number | null;
  prefillTokensPerS: number | null;
  totalMs: number;
  completionTokens: number;
}

/** The question asked: any short answer shows the speed. */
export const TEST_PROMPT = 'In one sentence: what makes a good answer to a question?';

/** Runs the test prompt on the loaded `spec`; `onText` gets the answer so far as it streams. */
export async function runTestPrompt(
  engine: JudgeEngine,
  spec: ModelSpec,
  signal: AbortSignal,
  onText: (text: string) => void,
): Promise<TestPromptResult> {
  const r = await engine.generate(
    {
      messages: [{ role: 'user', content: TEST_PROMPT }],
      max_tokens: 64,
      temperature: 0.7,
      seed: 1,
      // Only a thinking model knows the flag; for the others web-llm would add an empty
      // <think></think> to prompt and output (as the judge path, only thinking models get it).
      ...(spec.thinking ? { enable_thinking: false } : {}),
    },
    { signal, onToken: (d) => onText(d.text) },
  );
  return {
    text: r.text,
    decodeTokensPerS: r.usage.decodeTokensPerS,
    prefillTokensPerS: r.usage.prefillTokensPerS,
    totalMs: r.usage.totalMs,
    completionTokens: r.usage.completionTokens,
  };
}
