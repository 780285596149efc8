// The CLI's endpoints: `--endpoint` given once or more and `--endpoints FILE` (JSON array or JSONL), checked before any request.
import { parseEndpoint } from '../src/lib/engine/openai-http';
import type { EndpointSpec } from '../src/lib/run/endpoints';

/** Thrown for a bad endpoints file or list: the caller exits 2. */
export class EndpointsError extends Error {
  override name = 'EndpointsError';
}

const FIELDS = new Set(['url', 'models', 'key', 'key_env', 'name']);

/**
 * The endpoints of a file: a JSON array of objects, or one object per line (JSONL). Each has
 * `url`, and optionally `models` (the names it serves; else its /v1/models decides), `key`, or
 * `key_env` (the environment variable holding the key, so the file need hold no secret), and
 * `name`. Errors name the entry and never print a key.
 */
export function parseEndpointsFile(
  text: string,
  file: string,
  env: Record<string, string | undefined>,
): EndpointSpec[] {
  const trimmed = text.trim();
  if (!trimmed) throw new EndpointsError(`--endpoints ${file}: the file is empty.`);
  let entries: { value: unknown; where: string }[];
  if (trimmed.startsWith('[')) {
    let arr: unknown;
    try {
      arr = JSON.parse(trimmed);
    } catch (e) {
      throw new EndpointsError(
        `--endpoints ${file}: not valid JSON (${(e as Error).message}). Give a JSON array of endpoints, or one JSON object per line.`,
      );
    }
    entries = (arr as unknown[]).map((value, i) => ({ value, where: `entry ${i + 1}` }));
  } else {
    entries = [];
    text.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim() || line.trim().startsWith('#')) return;
      try {
        entries.push({ value: JSON.parse(line), where: `line ${i + 1}` });
      } catch (e) {
        throw new EndpointsError(
          `--endpoints ${file}:${i + 1}: not valid JSON (${(e as Error).message}).`,
        );
      }
    });
  }
  if (entries.length === 0) throw new EndpointsError(`--endpoints ${file}: no endpoints in it.`);
  return entries.map(({ value, where }) => {
    const at = `--endpoints ${file} (${where})`;
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new EndpointsError(`${at}: each endpoint is an object with at least "url".`);
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!FIELDS.has(k))
        throw new EndpointsError(
          `${at}: unknown field "${k}"; the fields are ${[...FIELDS].join(', ')}.`,
        );
    if (typeof o.url !== 'string') throw new EndpointsError(`${at}: "url" must be a string.`);
    try {
      parseEndpoint(o.url);
    } catch (e) {
      throw new EndpointsError(`${at}: ${(e as Error).message}`);
    }
    const spec: EndpointSpec = { url: o.url };
    if (o.name !== undefined) {
      if (typeof o.name !== 'string' || !o.name.trim())
        throw new EndpointsError(`${at}: "name" must be a non-empty string.`);
      spec.name = o.name.trim();
    }
    if (o.models !== undefined) {
      if (
        !Array.isArray(o.models) ||
        o.models.length === 0 ||
        !o.models.every((m) => typeof m === 'string' && m.trim())
      )
        throw new EndpointsError(`${at}: "models" must be a non-empty list of model names.`);
      spec.models = (o.models as string[]).map((m) => m.trim());
    }
    if (o.key !== undefined && o.key_env !== undefined)
      throw new EndpointsError(`${at}: give "key" or "key_env", not both.`);
    if (o.key !== undefined) {
      if (typeof o.key !== 'string') throw new EndpointsError(`${at}: "key" must be a string.`);
      spec.key = o.key;
    }
    if (o.key_env !== undefined) {
      if (typeof o.key_env !== 'string')
        throw new EndpointsError(`${at}: "key_env" must be the name of an environment variable.`);
      const key = env[o.key_env];
      if (!key)
        throw new EndpointsError(`${at}: the environment variable ${o.key_env} is not set.`);
      spec.key = key;
    }
    return spec;
  });
}

/**
 * The run's endpoints: those of `--endpoint` (in order), then the file's. `--api-key` is the key
 * of any endpoint without its own. Names are made unique (`host`, `host#2`) for progress lines.
 */
export function mergeEndpoints(
  urls: readonly string[],
  fromFile: readonly EndpointSpec[],
  apiKey: string | undefined,
): EndpointSpec[] {
  const all: EndpointSpec[] = [...urls.map((url): EndpointSpec => ({ url })), ...fromFile].map(
    (s) => (s.key === undefined && apiKey ? { ...s, key: apiKey } : { ...s }),
  );
  const seen = new Map<string, number>();
  const roots = new Set<string>();
  for (const s of all) {
    const root = parseEndpoint(s.url).v1;
    if (roots.has(root)) throw new EndpointsError(`The endpoint ${root} is listed twice.`);
    roots.add(root);
    const base = s.name ?? new URL(s.url).host;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    s.name = n === 1 ? base : `${base}#${n}`;
  }
  return all;
}
