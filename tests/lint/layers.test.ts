// The layer-order lint rule (eslint.config.js) still fires: an import against the order is an error.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const RULE = '@typescript-eslint/no-restricted-imports';

// Only the layer rule runs, without type information: the rule reads import specifiers alone,
// and a type-checked program of the whole project would be built for nothing.
const eslint = new ESLint({
  cwd: new URL('../..', import.meta.url).pathname,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === RULE,
});

async function layerErrors(filePath: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === RULE).length;
}

const value = (spec: string) => `import { x } from '${spec}';\nexport const y = x;\n`;
const type = (spec: string) => `import type { X } from '${spec}';\nexport type Y = X;\n`;
const svelte = (code: string) => `<script lang="ts">\n${code}</script>\n`;

describe('layer order', { timeout: 0 }, () => {
  it.each([
    ['judge/ imports the engine', 'src/lib/judge/new.ts', type('../engine/types'), 1],
    [
      'judge/ imports the store (nested)',
      'src/lib/judge/templates/new.ts',
      type('../../store/schema'),
      1,
    ],
    ['judge/ imports run/', 'src/lib/judge/new.ts', value('../run/pair'), 1],
    ['judge/ imports its own port', 'src/lib/judge/new.ts', value('./port'), 0],
    ['an engine imports a judge module', 'src/lib/engine/new.ts', value('../judge/tokens'), 1],
    ['an engine imports the judge index', 'src/lib/engine/new.ts', value('../judge'), 1],
    ['an engine imports the port', 'src/lib/engine/new.ts', value('../judge/port'), 0],
    ['an engine imports the store', 'src/lib/engine/new.ts', value('../store'), 1],
    ['the store imports engine types', 'src/lib/store/new.ts', type('../engine/types'), 1],
    ['the store imports judge types', 'src/lib/store/new.ts', type('../judge/port'), 0],
    ['data/ imports run/', 'src/lib/data/new.ts', value('../run/coordination'), 1],
    ['data/ imports the store locks', 'src/lib/data/new.ts', value('../store/locks'), 0],
    ['run/ imports state/', 'src/lib/run/new.ts', value('../state/app.svelte'), 1],
    ['review/ imports state/', 'src/lib/review/new.ts', value('../state/review.svelte'), 1],
    ['review/ imports run/', 'src/lib/review/new.ts', value('../run/pair'), 1],
    ['review/ imports the store', 'src/lib/review/new.ts', value('../store'), 0],
    ['state/ imports a view', 'src/lib/state/new.ts', value('../../views/RunsView.svelte'), 1],
    ['state/ imports run/', 'src/lib/state/new.ts', value('../run/batch'), 0],
    ['the CLI imports state/', 'cli/new.ts', value('../src/lib/state/app.svelte'), 1],
    ['the CLI imports run/', 'cli/new.ts', value('../src/lib/run/pool'), 0],
    ['a view imports run/', 'src/views/New.svelte', svelte(value('../lib/run/subset')), 1],
    [
      'a view imports the engine',
      'src/components/New.svelte',
      svelte(value('../lib/engine/progress')),
      1,
    ],
    [
      'a nested view imports the store',
      'src/views/review/New.svelte',
      svelte(value('../../lib/store')),
      1,
    ],
    ['a view imports a store type', 'src/views/New.svelte', svelte(type('../lib/store')), 0],
    ['a view imports state/', 'src/views/New.svelte', svelte(value('../lib/state/app.svelte')), 0],
    [
      'a view imports review/ data',
      'src/views/review/New.svelte',
      svelte(value('../../lib/review/format')),
      0,
    ],
  ])('%s: %s', async (_name, file, code, errors) => {
    expect(await layerErrors(file, code)).toBe(errors);
  });
});

// The size rules (eslint.config.js, max-lines) hold state/ and components to issue 21's limits.
const sizes = new ESLint({
  cwd: new URL('../..', import.meta.url).pathname,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === 'max-lines',
});

async function sizeErrors(filePath: string, code: string): Promise<number> {
  const [result] = await sizes.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'max-lines').length;
}

/** A file of exactly `n` lines (the last one ends with a newline). */
const lines = (n: number) =>
  Array.from({ length: n }, (_, i) => `export const v${i} = ${i};\n`).join('');
const component = (n: number) => svelte(lines(n - 2));

describe('file size', { timeout: 0 }, () => {
  it.each([
    ['a state class of 250 lines', 'src/lib/state/new.svelte.ts', lines(250), 0],
    ['a state class of 251 lines', 'src/lib/state/new.svelte.ts', lines(251), 1],
    ['a run/ module of 400 lines', 'src/lib/run/new.ts', lines(400), 0],
    ['a component of 300 lines', 'src/components/New.svelte', component(300), 0],
    ['a view of 301 lines', 'src/views/review/New.svelte', component(301), 1],
  ])('%s: %s', async (_name, file, code, errors) => {
    expect(await sizeErrors(file, code)).toBe(errors);
  });
});
