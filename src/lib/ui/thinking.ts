// Splits a judge's text into its thinking and its answer, also while the thinking is still streaming.
export interface SplitText {
  thinking: string | null;
  answer: string;
  /** The <think> block is open and not yet closed. */
  thinkingOpen: boolean;
}

/** `<think>…</think>` (Qwen3, DeepSeek-R1, J1 templates); text before an unmatched `</think>` counts as thinking too. */
export function splitThinking(text: string): SplitText {
  const open = text.indexOf('<think>');
  const close = text.indexOf('</think>');
  if (open === -1 && close === -1) return { thinking: null, answer: text, thinkingOpen: false };
  if (close === -1) {
    return {
      thinking: text.slice(open + 7).trim(),
      answer: text.slice(0, open).trim(),
      thinkingOpen: true,
    };
  }
  const start = open !== -1 && open < close ? open + 7 : 0;
  const before = open !== -1 && open < close ? text.slice(0, open) : '';
  return {
    thinking: text.slice(start, close).trim(),
    answer: (before + text.slice(close + 8)).trim(),
    thinkingOpen: false,
  };
}
