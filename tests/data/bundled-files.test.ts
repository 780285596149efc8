// Bundled files come from the app's own origin under bundled/, and a missing one rejects with its HTTP status.
import { expect, test } from 'vitest';
import { BUNDLED_SETS } from '../../src/lib/data/bundled';
import {
  fetchBundledFile,
  fetchBundledNotice,
  fetchPublishedAccuracies,
  type Fetcher,
} from '../../src/lib/data/import/bundled-files';

/** Serves `files` by URL and records what was asked; anything else is a 404. */
function serve(files: Record<string, string>): { fetcher: Fetcher; asked: string[] } {
  const asked: string[] = [];
  const fetcher: Fetcher = async (url) => {
    asked.push(url);
    const body = files[url];
    return body === undefined ? new Response('', { status: 404 }) : new Response(body);
  };
  return { fetcher, asked };
}

const set = BUNDLED_SETS[0]!;

test('a set and its README are read from its folder', async () => {
  const { fetcher, asked } = serve({
    [`bundled/${set.folder}/${set.file}`]: '{"prompt":"p"}\n',
    [`bundled/${set.folder}/README.md`]: '# Source\nMIT',
  });
  expect(await (await fetchBundledFile(fetcher, set)).text()).toBe('{"prompt":"p"}\n');
  expect(await fetchBundledNotice(fetcher, set)).toBe('# Source\nMIT');
  expect(asked).toEqual([`bundled/${set.folder}/${set.file}`, `bundled/${set.folder}/README.md`]);
});

test('a file this build does not ship rejects with the HTTP status', async () => {
  const { fetcher } = serve({});
  await expect(fetchBundledFile(fetcher, set)).rejects.toThrow('HTTP 404');
  await expect(fetchBundledNotice(fetcher, set)).rejects.toThrow('HTTP 404');
  await expect(fetchPublishedAccuracies(fetcher)).rejects.toThrow('HTTP 404');
});

test('published accuracies are parsed from the CSV: Natural, and Adversarial as the mean of its subsets', async () => {
  const csv = [
    'set,evaluator,strategy,accuracy_avg_pct',
    'LLMBar/Natural,GPT-4,Vanilla,90',
    ...['Neighbor', 'GPTInst', 'GPTOut', 'Manual'].map(
      (s, i) => `LLMBar/Adversarial/${s},GPT-4,Vanilla,${60 + i * 10}`,
    ),
  ].join('\n');
  const { fetcher } = serve({ 'bundled/llmbar/published_accuracy.csv': csv });
  expect(await fetchPublishedAccuracies(fetcher)).toEqual([
    { evaluator: 'GPT-4', strategy: 'Vanilla', natural: 90, adversarial: 75 },
  ]);
});
