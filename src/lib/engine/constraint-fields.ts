// Where an OpenAI-compatible server takes a GBNF grammar: guided decoding is server-specific, so the user names the server kind.
import { EngineError } from './errors';

/**
 * The "Constrained verdicts" setting of a server (app: the server panel; CLI: `--constrain`).
 * - `llama.cpp`: llama.cpp's `llama-server`, top-level `grammar`.
 * - `vllm`: vLLM 0.10 and later, `structured_outputs: {grammar}` (the `guided_*` fields were
 *   removed in 0.12.0).
 * - `vllm-guided`: vLLM before 0.12, top-level `guided_grammar`.
 * - `sglang`: SGLang, top-level `ebnf`.
 * Ollama and LM Studio take no GBNF (JSON schema only): leave it off for them.
 */
export const CONSTRAIN_KINDS = ['off', 'llama.cpp', 'vllm', 'vllm-guided', 'sglang'] as const;
export type ConstrainKind = (typeof CONSTRAIN_KINDS)[number];

/** The body field a server takes grammars in (OpenAICapabilities.grammar); 'none': no grammar is sent. */
export type GrammarField = 'none' | 'grammar' | 'structured_outputs' | 'guided_grammar' | 'ebnf';

const FIELD: Record<ConstrainKind, GrammarField> = {
  off: 'none',
  'llama.cpp': 'grammar',
  vllm: 'structured_outputs',
  'vllm-guided': 'guided_grammar',
  sglang: 'ebnf',
};

/** What each setting is called where the user chooses it. */
export const CONSTRAIN_LABELS: Record<ConstrainKind, string> = {
  off: 'Off',
  'llama.cpp': 'llama.cpp server (grammar)',
  vllm: 'vLLM 0.10+ (structured_outputs)',
  'vllm-guided': 'vLLM before 0.12 (guided_grammar)',
  sglang: 'SGLang (ebnf)',
};

export function isConstrainKind(v: unknown): v is ConstrainKind {
  return typeof v === 'string' && (CONSTRAIN_KINDS as readonly string[]).includes(v);
}

export function grammarField(kind: ConstrainKind): GrammarField {
  return FIELD[kind];
}

/** The setting that sends grammars in `field` (for messages that name the setting). */
export function constrainKindOf(field: GrammarField): ConstrainKind {
  return CONSTRAIN_KINDS.find((k) => FIELD[k] === field) ?? 'off';
}

/** The request-body fields that carry `grammar` in `field`; none for 'none'. */
export function constraintFields(field: GrammarField, grammar: string): Record<string, unknown> {
  switch (field) {
    case 'structured_outputs':
      return { structured_outputs: { grammar } };
    case 'grammar':
    case 'guided_grammar':
    case 'ebnf':
      return { [field]: grammar };
    case 'none':
      return {};
  }
}

/**
 * The server refused a request that carried a grammar (400/422): most likely the setting names
 * another kind of server than this one, which rejects the field or its grammar dialect.
 */
export class GrammarRejectedError extends EngineError {
  override name = 'GrammarRejectedError';
  constructor(field: GrammarField, serverMessage: string, detail: Record<string, unknown> = {}) {
    const kind = constrainKindOf(field);
    super(
      `The server refused the verdict grammar sent as \`${field}\` (Constrained verdicts: ${CONSTRAIN_LABELS[kind]}). ${serverMessage}`,
      'Set “Constrained verdicts” to the kind of server this is (the server panel on the Models page; --constrain on the command line), or to off: verdicts are then read from the free text.',
      { ...detail, field, retryable: false },
    );
  }
}
