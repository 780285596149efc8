// The network log: purposes, one entry for a request seen by both the page and the service worker, off-origin count.
import { describe, expect, test } from 'vitest';
import { NetLog, purposeOf } from '../../src/lib/offline/net-log';

const ORIGIN = 'https://arbiter.example';

describe('purposeOf', () => {
  const cases: [string, string, string][] = [
    [`${ORIGIN}/`, 'document', 'the app page'],
    [`${ORIGIN}/assets/index-abc.js`, 'script', 'app code'],
    [`${ORIGIN}/assets/webllm.worker-xyz.js`, 'worker', 'model engine code'],
    [`${ORIGIN}/manifest.webmanifest`, 'manifest', 'install manifest'],
    [`${ORIGIN}/pwa-192.png`, 'image', 'icons'],
    [
      'https://huggingface.co/mlc-ai/Qwen3-4B/resolve/main/params_shard_0.bin',
      '',
      'model weights and config',
    ],
    [
      'https://raw.githubusercontent.com/mlc-ai/binary-mlc-llm-libs/main/x.wasm',
      '',
      'model library (.wasm)',
    ],
    ['https://local-models.arbiter.invalid/models/x/', '', 'local model file (never sent)'],
    ['http://192.168.1.20:8443/models/x/', '', 'other server (custom model or API)'],
  ];
  test.each(cases)('%s', (url, dest, purpose) => {
    expect(purposeOf(new URL(url), ORIGIN, dest)).toBe(purpose);
  });
});

describe('NetLog', () => {
  test('a request reported by the page and by the service worker counts once; off-origin ones are counted', () => {
    const log = new NetLog(ORIGIN, 1_000_000);
    log.addTiming({ name: `${ORIGIN}/`, entryType: 'navigation', startTime: 0, transferSize: 900 });
    log.addTiming({
      name: `${ORIGIN}/assets/index.js`,
      entryType: 'resource',
      initiatorType: 'script',
      startTime: 5,
      transferSize: 0,
    });
    log.addSw({
      type: 'arbiter-sw-fetch',
      url: `${ORIGIN}/assets/index.js`,
      method: 'GET',
      destination: 'script',
      source: 'precache',
      bytes: null,
      status: null,
      at: 1_000_006,
    });
    // A worker's download: only the service worker sees it.
    log.addSw({
      type: 'arbiter-sw-fetch',
      url: 'https://huggingface.co/m/resolve/main/params_shard_0.bin',
      method: 'GET',
      destination: '',
      source: 'network',
      bytes: 33_554_432,
      status: 200,
      at: 1_000_100,
    });
    const all = log.all();
    expect(all).toHaveLength(3);
    const js = all.find((r) => r.url.endsWith('index.js'));
    expect(js?.seenBy).toEqual(['page', 'service worker']);
    expect(js?.precache).toBe(true);
    expect(log.offOrigin().map((r) => r.host)).toEqual(['huggingface.co']);
    expect(log.byHost()).toEqual([
      {
        host: 'huggingface.co',
        sameOrigin: false,
        purposes: ['model weights and config'],
        requests: 1,
        bytes: 33_554_432,
      },
      {
        host: 'arbiter.example',
        sameOrigin: true,
        purposes: ['the app page', 'app code'],
        requests: 2,
        bytes: 900,
      },
    ]);
  });

  test('the same URL fetched again later is a second request', () => {
    const log = new NetLog(ORIGIN, 0);
    log.addSw({
      type: 'arbiter-sw-fetch',
      url: 'http://10.0.0.2/x',
      method: 'GET',
      destination: '',
      source: 'failed',
      bytes: null,
      status: null,
      at: 1000,
    });
    log.addSw({
      type: 'arbiter-sw-fetch',
      url: 'http://10.0.0.2/x',
      method: 'GET',
      destination: '',
      source: 'failed',
      bytes: null,
      status: null,
      at: 2000,
    });
    expect(log.offOrigin()).toHaveLength(2);
    expect(log.all()[0]?.failed).toBe(true);
  });

  test('a response from the service worker or the cache counts its body size (transfer size 0)', () => {
    const log = new NetLog(ORIGIN, 1_000_000);
    log.addTiming({
      name: `${ORIGIN}/assets/index.js`,
      entryType: 'resource',
      initiatorType: 'script',
      startTime: 5,
      transferSize: 0,
      encodedBodySize: 12_345,
    });
    log.addTiming({
      name: `${ORIGIN}/assets/app.css`,
      entryType: 'resource',
      initiatorType: 'link',
      startTime: 6,
      transferSize: 2_000,
      encodedBodySize: 1_700,
    });
    log.addTiming({
      name: 'https://cdn.example/x.js',
      entryType: 'resource',
      initiatorType: 'script',
      startTime: 7,
      transferSize: 0,
      encodedBodySize: 0,
    });
    expect(log.all().map((r) => r.bytes)).toEqual([12_345, 2_000, null]);
    expect(log.byHost().find((h) => h.sameOrigin)?.bytes).toBe(14_345);
  });
});
