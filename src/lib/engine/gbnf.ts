// Turns the judge's verdict JSON schemas into llama.cpp GBNF grammars whose output always ends in a verdict within the token budget.

/** Tokens kept for the JSON around the reasoning and for the verdict itself. */
const STRUCTURE_TOKENS = 48;
/**
 * A character can cost up to 4 tokens (byte-fallback vocabularies spell a 4-byte UTF-8 character
 * byte by byte), so a reasoning of budget/4 characters always leaves room for the verdict.
 */
const MAX_TOKENS_PER_CHAR = 4;

interface Schema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
}

/** A GBNF string literal for a JSON value written out, e.g. `"\"A\""` for the JSON string "A". */
function literal(json: string): string {
  return `"${json.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function valueRule(s: Schema, stringRule: string): string | null {
  if (Array.isArray(s.enum) && s.enum.length > 0)
    return `(${s.enum.map((v) => literal(JSON.stringify(v))).join(' | ')})`;
  if (s.type === 'string') return stringRule;
  if (s.type === 'integer') return '("-"? [0-9]{1,9})';
  if (s.type === 'boolean') return '("true" | "false")';
  return null;
}

/**
 * A GBNF grammar for an object schema of strings, enums, integers and booleans, properties in the
 * schema's order. Free strings are capped so that, with `maxTokens`, the enum that follows always
 * fits. Returns null for a schema it does not cover (the caller then sends no constraint).
 */
export function jsonSchemaToGbnf(schemaJson: string, maxTokens: number): string | null {
  let schema: Schema;
  try {
    schema = JSON.parse(schemaJson) as Schema;
  } catch {
    return null;
  }
  if (schema.type !== 'object' || !schema.properties) return null;
  const names = Object.keys(schema.properties);
  const free = names.filter((n) => {
    const p = schema.properties?.[n];
    return p?.type === 'string' && !Array.isArray(p.enum);
  });
  const chars = Math.floor(
    Math.max(0, maxTokens - STRUCTURE_TOKENS) / MAX_TOKENS_PER_CHAR / Math.max(1, free.length),
  );
  const stringRule = 'str';
  const parts: string[] = [];
  for (const name of names) {
    const rule = valueRule(schema.properties[name] ?? {}, stringRule);
    if (rule === null) return null;
    parts.push(`${literal(JSON.stringify(name))} ws ":" ws ${rule}`);
  }
  return [
    `root ::= "{" ws ${parts.join(' ws "," ws ')} ws "}"`,
    `str ::= "\\"" char{0,${chars}} "\\""`,
    // Any character but a quote, a backslash or a control character, or a simple escape.
    `char ::= [^"\\\\\\x00-\\x1F] | "\\\\" ["\\\\/nt]`,
    'ws ::= " "?',
  ].join('\n');
}
