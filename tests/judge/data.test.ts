// The shared test data lives outside the repository; a missing file must fail loudly with its path, not skip.
import { expect, test } from 'vitest';
import { readShared, sharedDataPath } from './data';

test('a missing shared data file fails with the path it looked for and where ../shared belongs', () => {
  const rel = 'no-such-folder/missing.jsonl';
  expect(() => readShared(rel)).toThrow(sharedDataPath(rel));
  expect(() => readShared(rel)).toThrow(/\.\.\/shared\/data, a folder beside this checkout/);
});
