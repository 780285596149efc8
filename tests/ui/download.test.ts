// Export file names keep the whole run id, so two runs never share a file name.
import { expect, test } from 'vitest';
import { fileStem } from '../../src/lib/ui/download';

test.each([
  [
    'a UUID stays whole',
    '3f2b9c1e-8a4d-4e7f-9b20-6c5d1a2e7f90',
    'arbiter-review-3f2b9c1e-8a4d-4e7f-9b20-6c5d1a2e7f90',
  ],
  ['a fixture id', 'run-llmbar', 'arbiter-review-run-llmbar'],
  [
    'characters a file system refuses',
    'a/b\\c:d*e?f"g<h>i|j',
    'arbiter-review-a_b_c_d_e_f_g_h_i_j',
  ],
  ['control characters', 'x\u0000y\u001bz', 'arbiter-review-x_y_z'],
  ['an empty id', '', 'arbiter-review-run'],
])('%s', (_what, id, stem) => {
  expect(fileStem('arbiter-review', id)).toBe(stem);
});
