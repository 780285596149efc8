// Cross-origin isolation headers: with them the page gets SharedArrayBuffer, so llama.cpp runs on every core.

/**
 * COOP same-origin + COEP credentialless. `credentialless` rather than `require-corp`: cross-origin
 * requests without credentials (web-llm's model downloads from Hugging Face, an OpenAI-compatible
 * server over CORS) keep working without the other side sending Cross-Origin-Resource-Policy.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'credentialless',
};

/** A copy of `res` with the isolation headers added (the service worker serves the app shell so). */
export function withIsolation(res: Response): Response {
  const headers = new Headers(res.headers);
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) headers.set(k, v);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}
