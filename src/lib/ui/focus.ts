// Moving focus for keyboard and screen-reader users: to a view's heading after navigation.

/**
 * Focus the first h1 inside `root` (the view's title), waiting up to `timeoutMs` for a view that
 * renders its heading after loading. The heading must have tabindex="-1". Returns whether it did.
 */
export async function focusHeading(root: ParentNode, timeoutMs = 2000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const h = root.querySelector<HTMLElement>('h1');
    if (h) {
      if (!h.hasAttribute('tabindex')) h.setAttribute('tabindex', '-1');
      h.focus({ preventScroll: true });
      window.scrollTo({ top: 0, behavior: 'instant' });
      return document.activeElement === h;
    }
    if (performance.now() > deadline) return false;
    await new Promise((r) => requestAnimationFrame(r));
  }
}
