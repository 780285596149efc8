// When the review's background work runs: after the first screen is painted, in slices between tasks.

/** Resolves in a fresh task, letting the UI handle input between slices of work. */
export const tick = (): Promise<void> => new Promise<void>((r) => setTimeout(r, 0));

/**
 * Resolves after the next `frames` frames have been painted (a task queued from the last one's
 * animation frame), or after a second in a hidden tab, where frames do not come.
 */
export const afterPaint = (frames = 1): Promise<void> =>
  new Promise<void>((r) => {
    setTimeout(r, 1000);
    if (typeof requestAnimationFrame !== 'function') return;
    const frame = (left: number) =>
      requestAnimationFrame(() => (left > 1 ? frame(left - 1) : setTimeout(r, 0)));
    frame(frames);
  });
