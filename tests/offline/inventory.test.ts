// The privacy panel's words and sizes for what is stored: your draft is named as your text; IndexedDB gets the browser's size.
import { describe, expect, test } from 'vitest';
import { describeKey, idbBytes } from '../../src/lib/offline/inventory';

describe('describeKey', () => {
  test.each([
    ['arbiter.judgeDraft', /your unsent Judge page draft: the prompt, answers/],
    ['arbiter.customModels', /^custom models you added$/],
    ['arbiter.selectedModel', /^the model you chose$/],
    ['arbiter.demo.pair', /^demo mode settings$/],
    ['arbiter.theme', /^a setting$/],
    ['other.key', /^a setting of another part of the app$/],
  ])('%s', (key, words) => {
    expect(describeKey(key)).toMatch(words);
  });

  test('the draft is never called a setting', () => {
    expect(describeKey('arbiter.judgeDraft')).not.toMatch(/setting/);
  });
});

describe('idbBytes', () => {
  test.each([
    [
      'one database, Chromium details',
      ['arbiter'],
      { usageDetails: { indexedDB: 52_000 } },
      [52_000],
    ],
    ['one database, no details', ['arbiter'], { usage: 90_000 }, [null]],
    ['no estimate', ['arbiter'], null, [null]],
    [
      'two databases: the site total cannot be split',
      ['arbiter', 'webllm'],
      { usageDetails: { indexedDB: 52_000 } },
      [null, null],
    ],
    ['none', [], { usageDetails: { indexedDB: 0 } }, []],
  ])('%s', (_what, names, estimate, bytes) => {
    expect(idbBytes(names, estimate)).toEqual(bytes);
  });
});
