// The Content-Security-Policy: what it allows (the app, web-llm, model hosts) and what it refuses (remote images, inline script).
import { expect, test } from 'vitest';
import { contentSecurityPolicy, cspDirectives } from '../../src/lib/security/csp';

const directive = (policy: string, name: string) =>
  policy
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([n]) => n === name)
    ?.slice(1);

test('scripts only from the app itself, WebAssembly allowed for web-llm, no eval or inline script', () => {
  const p = contentSecurityPolicy();
  expect(directive(p, 'script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  expect(p).not.toMatch(/'unsafe-eval'/);
  expect(directive(p, 'default-src')).toEqual(["'self'"]);
});

test('nothing visual or embedded from another host', () => {
  const p = contentSecurityPolicy();
  expect(directive(p, 'img-src')).toEqual(["'self'", 'data:', 'blob:']);
  expect(directive(p, 'font-src')).toEqual(["'self'", 'data:']);
  for (const d of ['media-src', 'object-src', 'frame-src', 'base-uri', 'form-action']) {
    expect(directive(p, d)).toEqual(["'none'"]);
  }
});

test('model downloads and custom hosts: https anywhere, plain http only on loopback', () => {
  const connect = directive(contentSecurityPolicy(), 'connect-src')!;
  expect(connect).toEqual(["'self'", 'https:', 'http://localhost:*', 'http://127.0.0.1:*']);
  expect(connect).not.toContain('http:');
  expect(connect).not.toContain('*');
});

test('dev adds the HMR websocket; the header adds what a meta tag cannot carry', () => {
  expect(directive(contentSecurityPolicy({ dev: true }), 'connect-src')).toContain(
    'ws://localhost:*',
  );
  expect(directive(contentSecurityPolicy(), 'frame-ancestors')).toBeUndefined();
  expect(directive(contentSecurityPolicy({ header: true }), 'frame-ancestors')).toEqual(["'none'"]);
  // Every directive appears once.
  const names = cspDirectives({ dev: true, header: true }).map(([n]) => n);
  expect(new Set(names).size).toBe(names.length);
});
