// Control characters from datasets and servers made visible before they reach a terminal.

/**
 * C0/C1 controls (ESC, BEL, CR, backspace…) except newline and tab, and the Unicode bidi
 * controls: a row id `\x1b]0;TITLE\x07` must print as those characters, not retitle or clear
 * the user's terminal, and a right-to-left override must not reorder what follows.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `s` with each control character written as an escape (`\x1b`, `\u202e`). */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}
