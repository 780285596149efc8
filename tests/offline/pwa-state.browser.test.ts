// The update prompt never reloads the page while something runs: PwaState with a stand-in registration.
import { expect, test } from 'vitest';
import { PwaState, type RegisterSW } from '../../src/lib/state/pwa.svelte';
import { AppState } from '../../src/lib/state/app.svelte';
import { DeterministicEngine } from '../support/deterministic-engine';

function setup(busy: { value: boolean }) {
  const applied: boolean[] = [];
  let cb: Parameters<RegisterSW>[0] | undefined;
  const register: RegisterSW = (callbacks) => {
    cb = callbacks;
    return async (reload) => {
      applied.push(reload ?? false);
    };
  };
  const pwa = new PwaState(() => busy.value);
  pwa.start(register);
  return { pwa, applied, needRefresh: () => cb?.onNeedRefresh() };
}

test('accepting while a run is busy waits; the update applies once the run has ended', () => {
  const busy = { value: true };
  const { pwa, applied, needRefresh } = setup(busy);
  needRefresh();
  expect(pwa.needRefresh).toBe(true);
  pwa.accept();
  expect(applied).toEqual([]);
  expect(pwa.pending).toBe(true);
  pwa.applyIfIdle();
  expect(applied).toEqual([]);
  busy.value = false;
  pwa.applyIfIdle();
  expect(applied).toEqual([true]);
  expect(pwa.pending).toBe(false);
});

test('accepting when idle applies at once; "Later" never applies', () => {
  const busy = { value: false };
  const a = setup(busy);
  a.needRefresh();
  a.pwa.accept();
  expect(a.applied).toEqual([true]);

  const b = setup(busy);
  b.needRefresh();
  b.pwa.dismiss();
  b.pwa.applyIfIdle();
  expect(b.applied).toEqual([]);
  expect(b.pwa.needRefresh).toBe(false);
});

test('nothing applies without a waiting version, even if accepted', () => {
  const a = setup({ value: false });
  a.pwa.accept();
  expect(a.applied).toEqual([]);
});

test('reading or importing a dataset is work an accepted update waits for (AppState.busy)', async () => {
  const app = new AppState({
    engine: new DeterministicEngine(),
    testModels: [],
    dbName: 'arbiter-busy-import',
  });
  const datasets = await app.datasets();
  expect(app.busy).toBe(false);
  for (const [phase, busy] of [
    ['reading', true],
    ['review', false],
    ['importing', true],
    ['done', false],
  ] as const) {
    datasets.phase = phase;
    expect(app.busy, phase).toBe(busy);
  }
});
