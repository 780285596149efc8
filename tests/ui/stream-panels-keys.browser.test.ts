// Stored judgments that repeat an order and sample still render, one panel each (no duplicate-key crash).
import { flushSync, mount, unmount } from 'svelte';
import { expect, test } from 'vitest';
import StreamPanels from '../../src/components/StreamPanels.svelte';

test('two stored judgments of the same order and sample render as two panels', async () => {
  const target = document.createElement('div');
  document.body.append(target);
  const streams = [
    { order: 'AB' as const, sample: 0, text: 'First judgment.', done: true },
    { order: 'AB' as const, sample: 0, text: 'Second judgment.', done: true },
    { order: 'BA' as const, sample: 0, text: 'Swapped judgment.', done: true },
  ];
  const app = mount(StreamPanels, { target, props: { streams, running: false } });
  flushSync();
  const panels = [...target.querySelectorAll('section.stream')].map((s) => s.textContent ?? '');
  expect(panels).toHaveLength(3);
  expect(panels[0]).toContain('First judgment.');
  expect(panels[1]).toContain('Second judgment.');
  expect(panels[2]).toContain('Swapped judgment.');
  await unmount(app);
  target.remove();
});
