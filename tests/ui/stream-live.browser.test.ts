// The streaming box: at most a fixed height, following its newest line unless the user scrolled up, and fixed in size once full.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, expect, test } from 'vitest';
import Harness from './support/StreamTextHarness.svelte';

const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
/** Two frames: the ResizeObserver reports after the first frame's layout. */
const settle = async () => {
  await frame();
  await frame();
};
const para = (i: number) => `Line ${i} of the judgment, with a few words to wrap.\n\n`;
const lines = (n: number) => Array.from({ length: n }, (_, i) => para(i)).join('');

let cleanup: (() => void) | null = null;
afterEach(() => cleanup?.());

function setup() {
  const target = document.createElement('div');
  target.style.width = '390px';
  document.body.append(target);
  const app = mount(Harness, { target }) as { setText: (t: string) => void };
  cleanup = () => {
    void unmount(app);
    target.remove();
  };
  const box = () => target.querySelector<HTMLElement>('[role=region]')!;
  const set = async (t: string) => {
    app.setText(t);
    flushSync();
    await settle();
  };
  return { target, box, set };
}

test('a short text grows its box to fit, with no empty space and no fixed size', async () => {
  const { box, set } = setup();
  await set('A short judgment so far');
  expect('full' in box().dataset).toBe(false);
  expect(box().scrollHeight).toBe(box().clientHeight);
  expect(box().clientHeight).toBeLessThan(60);
  expect(box().getAttribute('aria-label')).toBe('Order 1 so far');
  expect(box().tabIndex).toBe(0);
});

test('a long text fills the box: its size is then fixed, the newest line in view, the page around it unchanged', async () => {
  const { target, box, set } = setup();
  await set(lines(60) + 'The open tail');
  const b = box();
  expect(b.dataset.full).toBe('');
  expect(getComputedStyle(b).contain).toBe('strict');
  expect(b.scrollHeight).toBeGreaterThan(b.clientHeight);
  const height = b.getBoundingClientRect().height;
  const page = target.getBoundingClientRect().height;
  // The newest text is at the box's bottom edge, in view, without any script scrolling.
  const tail = [...b.querySelectorAll('.plain')].at(-1)!;
  expect(tail.textContent).toBe('The open tail');
  const bottom = b.getBoundingClientRect().bottom;
  expect(Math.abs(tail.getBoundingClientRect().bottom - bottom)).toBeLessThan(2);
  // More text: the box and the page keep their size, the newest line is still at the bottom.
  await set(lines(120) + 'A later tail');
  expect(b.getBoundingClientRect().height).toBe(height);
  expect(target.getBoundingClientRect().height).toBe(page);
  const later = [...b.querySelectorAll('.plain')].at(-1)!;
  expect(later.textContent).toBe('A later tail');
  expect(
    Math.abs(later.getBoundingClientRect().bottom - b.getBoundingClientRect().bottom),
  ).toBeLessThan(2);
  // The whole text is there to scroll back to.
  expect(b.textContent).toContain('Line 0 of the judgment');
});

test('a replaced, shorter text lets the box shrink again', async () => {
  const { box, set } = setup();
  await set(lines(60));
  expect(box().dataset.full).toBe('');
  await set('Something else entirely');
  expect('full' in box().dataset).toBe(false);
  expect(box().scrollHeight).toBe(box().clientHeight);
  expect(box().clientHeight).toBeLessThan(60);
});

test('a user who scrolled up stays where they are while text streams in; back at the end, the box follows again', async () => {
  const { box, set } = setup();
  await set(lines(60));
  const b = box();
  b.scrollTop = 100;
  await settle();
  const top = b.scrollTop;
  const first = () =>
    [...b.querySelectorAll('.md > *')].find(
      (c) => c.getBoundingClientRect().bottom > b.getBoundingClientRect().top,
    )?.textContent;
  const reading = first();
  await set(lines(90));
  expect(b.scrollTop).toBe(top);
  expect(first()).toBe(reading);
  // Scrolled back to the end: the newest line is followed again.
  b.scrollTop = b.scrollHeight;
  await settle();
  await set(lines(120) + 'The newest tail');
  const tail = [...b.querySelectorAll('.plain')].at(-1)!;
  expect(tail.textContent).toBe('The newest tail');
  expect(
    Math.abs(tail.getBoundingClientRect().bottom - b.getBoundingClientRect().bottom),
  ).toBeLessThan(2);
});
