// E2E: MT-Bench files in FastChat's shape imported from the Datasets page, judged on both turns, shown turn by turn, exported with both.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { expectNoSeriousAxeViolations } from './support/axe';
import { openDatasets, waitPhase } from './support/datasets-page';
import { loadTestModel } from './support/judge-page';
import { expectNoHorizontalScroll } from './support/layout';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

const fixture = (p: string) =>
  fileURLToPath(new URL(`../data/formats/fixtures/mt-bench/${p}`, import.meta.url));

interface Question {
  question_id: number;
  turns: string[];
}
interface Answer {
  question_id: number;
  choices: { turns: string[] }[];
}
const jsonl = async <T>(p: string): Promise<T[]> =>
  (await readFile(fixture(p), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as T);

test('MT-Bench question.jsonl + model_answer files: import, judge both turns, see them, export them', async () => {
  const questions = await jsonl<Question>('question.jsonl');
  const vicuna = await jsonl<Answer>('model_answer/vicuna-13b-v1.3.jsonl');
  const base = await jsonl<Answer>('model_answer/gpt-3.5-turbo.jsonl');

  app = await openApp(baseURL);
  const { page } = app;
  await page.evaluate(() => localStorage.setItem('arbiter.test.tps', '1000'));
  await loadTestModel(page);

  // Import through the Datasets page's model-answers form, exactly as FastChat writes the files.
  await openDatasets(page, baseURL);
  await page.getByTestId('arena-form').locator('summary').click();
  await page.getByTestId('arena-questions').setInputFiles(fixture('question.jsonl'));
  await page
    .getByTestId('arena-answers')
    .setInputFiles([
      fixture('model_answer/gpt-3.5-turbo.jsonl'),
      fixture('model_answer/vicuna-13b-v1.3.jsonl'),
    ]);
  await page.getByTestId('arena-baseline').selectOption('gpt-3.5-turbo');
  await page.getByTestId('arena-pair').click();
  expect(await waitPhase(page, ['review', 'failed'])).toBe('review');
  await page.getByTestId('import-start').click();
  expect(await waitPhase(page, ['done', 'failed'])).toBe('done');

  const items = await readStore<{
    id: string;
    meta: { question_id: unknown };
    conversation?: { questions: string[]; answersA: string[]; answersB: string[] };
  }>(page, 'items');
  expect(items).toHaveLength(questions.length);
  for (const q of questions) {
    const item = items.find((i) => i.meta.question_id === q.question_id)!;
    expect(item.conversation?.questions).toEqual(q.turns);
    expect(item.conversation?.answersB).toEqual(
      vicuna.find((a) => a.question_id === q.question_id)!.choices[0]!.turns,
    );
  }

  // Judge them with MT-Bench's pairwise protocol: the multi-turn prompt, both orders.
  await page.goto(new URL('#/runs', baseURL).href);
  await page.getByTestId('run-protocol').selectOption('mt-bench-pair');
  await page.getByTestId('run-estimate').getByText('Estimate:').waitFor();
  await page.getByTestId('run-start').click();
  await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
  const runId = decodeURIComponent(page.url().split('/').pop() ?? '');
  await expect
    .poll(() => page.getByTestId('run-detail-status').textContent(), { timeout: 60_000 })
    .toBe('done');
  const judgments = (await readStore<{ runId: string }>(page, 'judgments')).filter(
    (j) => j.runId === runId,
  );
  expect(judgments).toHaveLength(questions.length * 2);

  // FastChat export: turn 2 games, the integer question_id, both turns in the judge's prompt.
  await page.getByTestId('run-export-format').selectOption('fastchat');
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('run-export').click(),
  ]);
  const rows = (await readFile((await dl.path()) as string, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(rows.map((r) => r.question_id).sort()).toEqual(questions.map((q) => q.question_id).sort());
  for (const r of rows) {
    expect(r.turn).toBe(2);
    const q = questions.find((x) => x.question_id === r.question_id)!;
    const a = base.find((x) => x.question_id === r.question_id)!.choices[0]!.turns;
    for (const text of [...q.turns, ...a]) expect(r.g1_user_prompt as string).toContain(text);
  }

  // The review shows the item turn by turn, second turns included.
  await page.goto(new URL(`#/review/${runId}`, baseURL).href);
  // Settled: the dashboard's lower part is drawn, so a click is not moved by the layout shifting.
  await page.locator('[data-testid=triage][data-settled=true]').waitFor();
  const conversation = page.getByTestId('conversation');
  await conversation.waitFor();
  const shown = (await conversation.textContent()) ?? '';
  const firstShown = questions.find((q) => shown.includes(q.turns[1]!));
  expect(firstShown).toBeDefined();
  const v = vicuna.find((a) => a.question_id === firstShown!.question_id)!.choices[0]!.turns;
  expect(await page.getByTestId('turn-2-question').textContent()).toContain(firstShown!.turns[1]);
  // Answers are Markdown (raw when they hold HTML): compare their words, not the Markdown marks.
  const words = (s: string) => s.replace(/[#*]/g, ' ').split(/\s+/).filter(Boolean);
  const answerB2 = (await page.getByTestId('turn-2-answer-b').textContent()) ?? '';
  for (const w of words(v[1]!)) expect(answerB2).toContain(w);
  // Turn by turn stays accessible, and fits a phone.
  await expectNoSeriousAxeViolations(page, 'review of a multi-turn item');
  await page.setViewportSize({ width: 390, height: 780 });
  await expectNoHorizontalScroll(page, 'review of a multi-turn item at 390');
  expect(app.errors).toEqual([]);
}, 180_000);

test('MT-Bench single grading: one model_answer file, each answer graded alone on both turns, exported as turn 2 scores', async () => {
  const questions = await jsonl<Question>('question.jsonl');
  app = await openApp(baseURL);
  const { page } = app;
  await page.evaluate(() => localStorage.setItem('arbiter.test.tps', '1000'));
  await loadTestModel(page);

  await openDatasets(page, baseURL);
  await page.getByTestId('arena-form').locator('summary').click();
  await page.getByTestId('arena-questions').setInputFiles(fixture('question.jsonl'));
  await page
    .getByTestId('arena-answers')
    .setInputFiles(fixture('model_answer/vicuna-13b-v1.3.jsonl'));
  // One model: no baseline, each answer alone.
  expect(await page.getByTestId('arena-baseline').inputValue()).toBe('');
  await page.getByTestId('arena-pair').click();
  expect(await waitPhase(page, ['review', 'failed'])).toBe('review');
  expect(await page.getByTestId('import-format').inputValue()).toBe('single');
  await page.getByTestId('import-start').click();
  expect(await waitPhase(page, ['done', 'failed'])).toBe('done');

  await page.goto(new URL('#/runs', baseURL).href);
  await page.getByTestId('run-protocol').selectOption('mt-bench-single');
  await page.getByTestId('run-estimate').getByText('Estimate:').waitFor();
  await page.getByTestId('run-start').click();
  await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
  await expect
    .poll(() => page.getByTestId('run-detail-status').textContent(), { timeout: 60_000 })
    .toBe('done');

  await page.getByTestId('run-export-format').selectOption('fastchat');
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('run-export').click(),
  ]);
  const rows = (await readFile((await dl.path()) as string, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  // show_result.py --mode single reads model, score and turn; the test judge rates 8.
  expect(rows.map((r) => [r.question_id, r.model, r.score, r.turn]).sort()).toEqual(
    questions.map((q) => [q.question_id, 'vicuna-13b-v1.3', 8, 2]).sort(),
  );
  expect(rows.map((r) => (r.judge as string[])[1]).sort()).toEqual([
    'single-math-v1-multi-turn',
    'single-math-v1-multi-turn',
    'single-v1-multi-turn',
  ]);
  expect(app.errors).toEqual([]);
}, 180_000);
