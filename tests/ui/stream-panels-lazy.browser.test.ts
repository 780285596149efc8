// A judgment that starts streaming before the Markdown renderer's chunk has loaded is rendered again once it arrives.
import { flushSync, mount, unmount } from 'svelte';
import { expect, test } from 'vitest';
import StreamPanels from '../../src/components/StreamPanels.svelte';
import { loadMarkdown } from '../../src/lib/ui/markdown';

test('blocks streamed as plain text before the renderer loaded become Markdown when it lands', async () => {
  const target = document.createElement('div');
  document.body.append(target);
  const text = 'The first answer is **correct**.\n\nStill thinking about the';
  const app = mount(StreamPanels, {
    target,
    props: { streams: [{ order: 'AB', sample: 0, text, done: false }], running: true },
  });
  flushSync();
  const panel = () => target.querySelector('[data-testid="judgment-answer"]') as HTMLElement;
  // Not loaded in this file yet: the finished block shows as its exact text.
  expect(panel().querySelector('strong')).toBeNull();
  expect(panel().textContent).toContain('**correct**');
  await loadMarkdown();
  flushSync();
  expect(panel().querySelector('strong')?.textContent).toBe('correct');
  expect(panel().textContent).toContain('Still thinking about the');
  await unmount(app);
  target.remove();
});
