// isShortcut: which key presses the triage views take as single-key shortcuts.
import { describe, expect, it } from 'vitest';
import { isShortcut, type KeyPress } from '../../src/lib/ui/keys';

const press = (over: Partial<KeyPress> = {}): KeyPress => ({
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target: { isContentEditable: false, tagName: 'DIV' },
  ...over,
});

describe('isShortcut', () => {
  it.each<[string, KeyPress, boolean]>([
    ['a plain key on the page', press(), true],
    ['a key with no target', press({ target: null }), true],
    ['a key on the list (a div)', press({ target: { tagName: 'DIV' } }), true],
    ['a key on a button', press({ target: { tagName: 'BUTTON' } }), true],
    ['Ctrl held', press({ ctrlKey: true }), false],
    ['Meta held', press({ metaKey: true }), false],
    ['Alt held', press({ altKey: true }), false],
    ['typing in an input', press({ target: { tagName: 'INPUT' } }), false],
    ['typing in the note (textarea)', press({ target: { tagName: 'TEXTAREA' } }), false],
    ['choosing in a select', press({ target: { tagName: 'SELECT' } }), false],
    [
      'typing in editable content',
      press({ target: { isContentEditable: true, tagName: 'DIV' } }),
      false,
    ],
    ['an element whose tag only contains INPUT', press({ target: { tagName: 'XINPUT' } }), true],
  ])('%s', (_name, e, expected) => {
    expect(isShortcut(e)).toBe(expected);
  });
});
