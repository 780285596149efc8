// The Content-Security-Policy: one definition, put in index.html as a meta tag and sent as a header by vite dev and preview.

/**
 * Why each directive is what it is (Arbiter shows untrusted text; the policy is the second line
 * of defence after rendering that never emits active or loading markup, see src/lib/ui/markdown.ts):
 *
 * - script-src 'self' 'wasm-unsafe-eval': only the app's own files run; no inline script, no
 *   eval. web-llm compiles WebAssembly (the model library, tokenizer, grammar engine), which
 *   needs 'wasm-unsafe-eval' and nothing broader.
 * - style-src 'self' 'unsafe-inline': the dev server injects each component's CSS as a <style>
 *   element and Svelte sets style attributes (`style:width`). Inline style cannot load anything
 *   the other directives forbid: url() images obey img-src, fonts font-src, @import style-src's
 *   'self'. Untrusted text never reaches a style attribute (DOMPurify allows none).
 * - img-src 'self' data: blob:, font-src 'self' data:, media-src 'none': nothing visual comes
 *   from another host, so a remote image or font in any text is refused even if it were rendered.
 * - connect-src 'self' https: plus loopback http: web-llm downloads models from huggingface.co
 *   (which redirects to CDN hosts that change: cdn-lfs*.hf.co, cas-bridge.xethub.hf.co) and
 *   model libraries from raw.githubusercontent.com, and users add custom models (any https host)
 *   and OpenAI-compatible servers (often http://localhost:11434). A meta CSP cannot be changed
 *   at run time: a second policy can only narrow, never widen, so the hosts a user adds later
 *   cannot be listed. What stays closed: plain http to anything but loopback (a LAN server needs
 *   https, as WebGPU and the Cache API need a secure context anyway). Sending data out takes
 *   running script, which script-src already denies to any text.
 * - worker-src 'self' blob:: the web-llm worker and the service worker are the app's own files.
 * - object-src, frame-src, media-src 'none'; base-uri 'none' (no <base> re-pointing relative
 *   URLs); form-action 'none' (no form posts anywhere).
 * - Header only (ignored, with a console error, in a meta tag): frame-ancestors 'none'.
 *
 * A same-origin worker's policy comes from its own response header, not the page's meta tag, so
 * the web-llm worker is held to this policy only where the server sends it (vite dev/preview).
 */
export interface CspOptions {
  /** The vite dev server: allow its HMR websocket. */
  dev?: boolean;
  /** As an HTTP header (adds directives a meta tag cannot carry). */
  header?: boolean;
}

/** Loopback origins allowed over plain http (local model servers, OpenAI-compatible endpoints). */
export const LOOPBACK_HTTP = ['http://localhost:*', 'http://127.0.0.1:*'];

/** The policy's directives, in order. */
export function cspDirectives(opts: CspOptions = {}): [string, string[]][] {
  const connect = ["'self'", 'https:', ...LOOPBACK_HTTP];
  if (opts.dev) connect.push('ws://localhost:*', 'ws://127.0.0.1:*');
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", "'wasm-unsafe-eval'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', connect],
    ['worker-src', ["'self'", 'blob:']],
    ['manifest-src', ["'self'"]],
    ['media-src', ["'none'"]],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  if (opts.header) directives.push(['frame-ancestors', ["'none'"]]);
  return directives;
}

/** The policy as one string, e.g. for a Content-Security-Policy header or meta tag. */
export function contentSecurityPolicy(opts: CspOptions = {}): string {
  return cspDirectives(opts)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}
