// What the views with virtualised lists (virtua) share: the list's handle and the rows on screen.

/** The parts of virtua's VList handle the views use. */
export interface ListHandle {
  findItemIndex(offset: number): number;
  getViewportSize(): number;
  getScrollOffset(): number;
  scrollToIndex(i: number): void;
}

/**
 * Calls `show(from, to)` with the rows on screen, at most once per frame however often the list
 * scrolls. Returns the scroll handler.
 */
export function onVisibleRows(
  list: () => ListHandle | undefined,
  show: (from: number, to: number) => void,
): () => void {
  let frame = 0;
  return () => {
    frame ||= requestAnimationFrame(() => {
      frame = 0;
      const l = list();
      if (!l) return;
      const top = l.getScrollOffset();
      show(l.findItemIndex(top), l.findItemIndex(top + l.getViewportSize()) + 1);
    });
  };
}
