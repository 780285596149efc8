// What the built-CLI tests set up alike: the CLI built once, a temp folder, local servers closed after each test, JSONL in, workspace records out.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll } from 'vitest';
import {
  isRowError,
  parseWorkspaceHeader,
  parseWorkspaceLine,
  type WorkspaceRecord,
} from '../../src/lib/data/workspace';
import { startOpenAIServer, type ServerOptions, type TestServer } from './openai-server';

export interface CliSandbox {
  /** A path inside this test file's temp folder (made in `beforeAll`); no names: the folder. */
  path(...names: string[]): string;
  /** Writes `rows` as JSON lines to `path(name)` and returns that path. */
  jsonl(name: string, rows: readonly unknown[]): string;
  /** A local OpenAI-compatible server, closed after the test that started it. */
  server(opts?: ServerOptions): Promise<TestServer>;
}

/**
 * Registers the hooks of a test file that spawns the built CLI: a fresh temp folder named
 * `prefix…` before all tests, and after each test the servers it started closed (a server the test
 * closed itself may reject again: ignored). Call once, at the file's top level. The CLI itself is
 * built, when stale, by the unit project's global setup (cli-global-setup.ts), once for all files.
 */
export function cliSandbox(prefix: string): CliSandbox {
  let dir = '';
  const servers: TestServer[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close().catch(() => undefined)));
  });
  const path = (...names: string[]) => join(dir, ...names);
  return {
    path,
    jsonl(name, rows) {
      const file = path(name);
      writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      return file;
    },
    async server(opts) {
      const s = await startOpenAIServer(opts);
      servers.push(s);
      return s;
    },
  };
}

/**
 * `n` labelled pairs `q0…`, "what is i + i?": the right answer `GOOD 2i` is A on two items in
 * three (B when `i % 3 === 0`), so a judge that reads the markers scores 100% in both orders.
 */
export function sumRows(n: number): object[] {
  return Array.from({ length: n }, (_, i) => {
    const goodFirst = i % 3 !== 0;
    return {
      id: `q${i}`,
      prompt: `Question ${i}: what is ${i} + ${i}?`,
      response_a: goodFirst ? `GOOD ${2 * i}` : `BAD ${i}`,
      response_b: goodFirst ? `BAD ${i + 1}` : `GOOD ${2 * i}`,
      label: goodFirst ? 'A' : 'B',
    };
  });
}

/** `n` labelled pairs `q0…`, "Question i?": `GOOD i` is A on odd items and B on even ones. */
export function alternatingRows(n: number): object[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `q${i}`,
    prompt: `Question ${i}?`,
    response_a: i % 2 ? `GOOD ${i}` : `BAD ${i}`,
    response_b: i % 2 ? `BAD ${i}` : `GOOD ${i}`,
    label: i % 2 ? 'A' : 'B',
  }));
}

/**
 * A workspace file read back: its header line parsed, and every later line as a record (a line
 * that does not parse throws, naming its line number).
 */
export function readWorkspace(file: string): {
  header: ReturnType<typeof parseWorkspaceHeader>;
  records: WorkspaceRecord[];
} {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const records = lines.slice(1).map((l, i) => {
    const r = parseWorkspaceLine(l, i + 2);
    if (isRowError(r)) throw new Error(`line ${r.line}: ${r.reason}`);
    return r;
  });
  return { header: parseWorkspaceHeader(lines[0]!), records };
}
