// Fetching the bundled sets' files from the app's own origin: the data, its README, LLMBar's published numbers.
import { summariseAccuracies, type PublishedAccuracy } from '../accuracy';
import { BUNDLED_BASE, type BundledSet } from '../bundled';

/** How files are fetched; tests pass their own. */
export type Fetcher = (url: string) => Promise<Response>;

async function fetchOk(fetcher: Fetcher, path: string): Promise<Response> {
  const res = await fetcher(`${BUNDLED_BASE}/${path}`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res;
}

/** The data file of a bundled set; rejects when this build does not ship it. */
export async function fetchBundledFile(fetcher: Fetcher, set: BundledSet): Promise<Blob> {
  return (await fetchOk(fetcher, `${set.folder}/${set.file}`)).blob();
}

/** The README (source, license, notice) of a bundled set, as plain text. */
export async function fetchBundledNotice(fetcher: Fetcher, set: BundledSet): Promise<string> {
  return (await fetchOk(fetcher, `${set.folder}/README.md`)).text();
}

/** LLMBar's published accuracies: Natural, and Adversarial as the mean of its four subsets. */
export async function fetchPublishedAccuracies(fetcher: Fetcher): Promise<PublishedAccuracy[]> {
  const res = await fetchOk(fetcher, 'llmbar/published_accuracy.csv');
  // The CSV parser loads with this, not with the Datasets page.
  const { parseCsvText } = await import('../formats/csv');
  const { rows } = parseCsvText(await res.text());
  return summariseAccuracies(rows.map((r) => r.value as Record<string, string>));
}
