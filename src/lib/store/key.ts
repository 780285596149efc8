// The work key of a judgment: a SHA-256 of everything that determines its output, so no work is done twice.
import type { EngineKind, JudgmentOrder } from './schema';

/** A JSON value as the canonical form accepts it. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue | undefined };

/** Generation parameters that change the output. Extra fields (top_logprobs, enable_thinking, …) count too. */
export interface KeyParams {
  temperature: number;
  seed: number | null;
  max_tokens: number;
  [k: string]: JsonValue | undefined;
}

/** The content of an item that the prompt is built from, in original positions. */
export interface KeyItemContent {
  prompt: string;
  responseA: string;
  responseB?: string;
  reference?: string;
  rubric?: string;
  /** A multi-turn item's turns (absent for a single-turn item, whose keys stay as they were). */
  conversation?: KeyConversation;
}

/** The turns of a multi-turn item, as they enter the key. */
export type KeyConversation = {
  questions: string[];
  answersA: string[];
  answersB?: string[];
  references?: string[];
};

/** Everything a judgment's output depends on. */
export interface JudgmentKeyInput {
  engine: EngineKind;
  modelId: string;
  /** Protocol id; optional because the template usually implies it. */
  protocol?: string;
  templateId: string;
  templateVersion: number;
  params: KeyParams;
  item: KeyItemContent;
  order: JudgmentOrder;
  sample: number;
}

/**
 * Bumped when the key's inputs change meaning, so old keys never match new work.
 * v1: the fields of JudgmentKeyInput, params without `samples` and `bothOrders`.
 */
export const KEY_SCHEME = 1;

// Run-level counts, not properties of one judgment: sample 0 of a 3-sample run is the same work
// as sample 0 of a 1-sample run.
const RUN_LEVEL_PARAMS = new Set(['samples', 'bothOrders']);

/**
 * Canonical JSON: object keys sorted by code unit, `undefined` members dropped (as JSON.stringify
 * does), arrays kept in order. Throws on NaN/Infinity, which JSON would silently turn into null.
 */
export function canonicalJson(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot key a non-finite number (${value}).`);
    return JSON.stringify(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

let syncSha256: ((text: string) => string) | null = null;

/**
 * Hash with a synchronous SHA-256 instead of WebCrypto (the CLI passes node:crypto's): Node's
 * async `subtle.digest` costs about 100 µs of CPU a call, a key per judgment. It must give the
 * same hex as WebCrypto for the same text; null restores WebCrypto. The app never calls this.
 */
export function useSyncSha256(fn: ((text: string) => string) | null): void {
  syncSha256 = fn;
}

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. Needs a secure context (https or localhost). */
export async function sha256Hex(text: string): Promise<string> {
  if (syncSha256) return syncSha256(text);
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error(
      'crypto.subtle is unavailable: Arbiter must be served over https or from localhost.',
    );
  }
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The key of one unit of work: the same inputs always give the same 64-hex-digit key, and any
 * change to model, engine, protocol, template (id or version), an output-affecting parameter,
 * the item content, the order or the sample index gives a different one.
 */
export async function judgmentKey(input: JudgmentKeyInput): Promise<string> {
  const params: Record<string, JsonValue | undefined> = {};
  for (const [k, v] of Object.entries(input.params)) if (!RUN_LEVEL_PARAMS.has(k)) params[k] = v;
  const { prompt, responseA, responseB, reference, rubric, conversation } = input.item;
  const canonical = canonicalJson({
    scheme: KEY_SCHEME,
    engine: input.engine,
    modelId: input.modelId,
    protocol: input.protocol,
    templateId: input.templateId,
    templateVersion: input.templateVersion,
    params,
    item: { prompt, responseA, responseB, reference, rubric, conversation },
    order: input.order,
    sample: input.sample,
  });
  return sha256Hex(canonical);
}
