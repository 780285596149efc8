// Bidi controls in untrusted text become visible marks, so they cannot reorder what follows.
import { expect, test } from 'vitest';
import { revealBidi, visibleText } from '../../src/lib/ui/bidi';

test('text without bidi controls is one plain segment', () => {
  expect(revealBidi('plain עברית text')).toEqual([{ text: 'plain עברית text' }]);
});

test('every bidi control becomes a mark; the text around it stays', () => {
  expect(revealBidi('a\u202Eb\u2066c\u200F')).toEqual([
    { text: 'a' },
    { text: 'U+202E', control: '\u202E' },
    { text: 'b' },
    { text: 'U+2066', control: '\u2066' },
    { text: 'c' },
    { text: 'U+200F', control: '\u200F' },
  ]);
  expect(visibleText('x\u202Dy\u202C\u061C')).toBe('xU+202DyU+202CU+061C');
});
