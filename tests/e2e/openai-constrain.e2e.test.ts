// E2E: the server panel's "Constrained verdicts" setting against a real local server: the grammar in the server's own field, and a refusal that names the setting.
import { afterEach, expect, inject, test } from 'vitest';
import { openApp, readStore, type E2EPage } from './support/browser';
import { fillPair, waitForSaved } from './support/judge-page';
import { axeViolations } from './support/axe';
import { markerJudge, startOpenAIServer, type TestServer } from '../support/openai-server';

const baseURL = inject('baseURL');
let app: E2EPage | undefined;
let server: TestServer | undefined;

afterEach(async () => {
  await app?.close();
  await server?.close();
  app = undefined;
  server = undefined;
});

/** A vLLM-like server: follows `structured_outputs`, refuses `grammar` with a 400. */
async function vllmLike(): Promise<TestServer> {
  return startOpenAIServer({
    handler: (req, n) => {
      const b = req.body ?? {};
      if ('grammar' in b)
        return { status: 400, json: { error: { message: 'Unknown field grammar' } } };
      const probe = JSON.stringify(b.messages).includes('Answer with one letter');
      if (probe) return { text: 'structured_outputs' in b ? 'A' : 'Sure, A.' };
      return markerJudge(req, n);
    },
  });
}

async function useServer(app: E2EPage, url: string, kind: string): Promise<void> {
  const { page } = app;
  await page.getByLabel('Endpoint URL').fill(`${url}/v1`);
  await page.getByTestId('openai-constrain').selectOption(kind);
  await page.getByTestId('openai-test').click();
  await page.getByTestId('openai-report').waitFor({ timeout: 20_000 });
  await page.getByTestId('openai-use').click();
  await page.getByTestId('openai-in-use').waitFor();
}

async function judgeConstrained(app: E2EPage): Promise<void> {
  const { page } = app;
  await fillPair(page, {
    prompt: 'Which greeting is kinder?',
    a: 'BAD: go away',
    b: 'GOOD: hello friend',
  });
  await page.getByText('Options').click();
  await page.getByLabel(/Constrain the output/).check();
  await page.getByTestId('judge').click();
}

test('vLLM: the connection test checks structured_outputs, and a constrained pair carries the J1 verdict grammar there', async () => {
  server = await vllmLike();
  app = await openApp(baseURL, { path: '/#/models' });
  await useServer(app, server.url, 'vllm');
  const { page } = app;
  const grammarCheck = page.getByTestId('openai-check').nth(4);
  expect(await grammarCheck.getAttribute('data-ok')).toBe('true');
  expect(await grammarCheck.textContent()).toContain('structured_outputs');
  expect(await axeViolations(page)).toEqual([]);

  await judgeConstrained(app);
  await page.getByTestId('verdict-card').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('verdict-headline').textContent()).toMatch(/B/);
  const chats = server.requests.filter(
    (r) => r.path === '/v1/chat/completions' && JSON.stringify(r.body).includes('kinder'),
  );
  expect(chats).toHaveLength(2);
  for (const c of chats) {
    const g = (c.body?.structured_outputs as { grammar?: string } | undefined)?.grammar ?? '';
    expect(g).toContain('"<answer>[["');
    expect(c.body).not.toHaveProperty('response_format');
  }
  // The verdict shows before the last write commits (judge-save.e2e): wait for the saved run. A
  // clean-clone CI read no judgments here when it looked straight after the verdict.
  await waitForSaved(page);
  const stored = await readStore<{ params: { constraint?: string } }>(page, 'judgments');
  expect(stored.map((j) => j.params.constraint)).toEqual(['grammar', 'grammar']);
  // The setting is kept with the server's other settings.
  await page.goto(new URL('#/models', baseURL).href);
  await page.reload();
  expect(await page.getByTestId('openai-constrain').inputValue()).toBe('vllm');
  expect(app.errors).toEqual([]);
});

test('set to the wrong kind of server: the judgment fails with a message naming the setting', async () => {
  server = await vllmLike();
  app = await openApp(baseURL, { path: '/#/models' });
  await useServer(app, server.url, 'llama.cpp');
  const { page } = app;
  expect(await page.getByTestId('openai-check').nth(4).getAttribute('data-ok')).toBe('false');
  await judgeConstrained(app);
  const alert = page.getByRole('alert').filter({ hasText: 'Constrained verdicts' });
  await alert.first().waitFor({ timeout: 30_000 });
  expect(await alert.first().textContent()).toMatch(
    /refused the verdict grammar sent as `grammar` \(Constrained verdicts: llama\.cpp server/,
  );
});
