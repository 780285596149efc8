// `arbiter judge --resume FILE`: --out FILE for a run that must already exist (what batch ingest prints for a partial batch).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../cli/args';

const dir = mkdtempSync(join(tmpdir(), 'arbiter-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const base = ['judge', 'data.jsonl', '--endpoint', 'http://127.0.0.1:8000/v1', '--model', 'm'];

describe('--resume FILE', () => {
  it('is --out FILE when the file exists', () => {
    const file = join(dir, 'run.workspace.jsonl');
    writeFileSync(file, '');
    const cfg = parseCli([...base, '--resume', file]);
    expect(cfg !== 'help' && cfg.out).toBe(file);
    const same = parseCli([...base, '--resume', file, '--out', file]);
    expect(same !== 'help' && same.out).toBe(file);
  });

  it('refuses a file that does not exist, and a different --out', () => {
    const missing = join(dir, 'none.jsonl');
    expect(() => parseCli([...base, '--resume', missing])).toThrow(UsageError);
    expect(() => parseCli([...base, '--resume', missing])).toThrow(/no such file/);
    const file = join(dir, 'other.jsonl');
    writeFileSync(file, '');
    expect(() => parseCli([...base, '--resume', file, '--out', join(dir, 'x.jsonl')])).toThrow(
      /give one of them/,
    );
  });
});
