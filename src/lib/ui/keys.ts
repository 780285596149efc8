// Single-key shortcuts in the review views: when a key press is one, and not typing or a browser shortcut.

/** The parts of a key event (and of its target element) the test needs. */
export interface KeyPress {
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | { isContentEditable?: boolean; tagName?: string } | null;
}

/**
 * Whether a key press may act as a single-key shortcut: no Ctrl, Meta or Alt (those belong to the
 * browser), and not typed into a field (a note, the search box, a select), where the key is text.
 */
export function isShortcut(e: KeyPress): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  const t = e.target as { isContentEditable?: boolean; tagName?: string } | null;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName ?? ''))) return false;
  return true;
}
