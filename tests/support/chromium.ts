// Where Debian's Chromium lives and the flags it needs here (see ../shared/NOTES.md).
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless Chromium on a machine with no network but loopback. */
export function chromiumArgs(opts: { webgpu: boolean }): string[] {
  const args = [
    '--no-sandbox',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--disable-dev-shm-usage',
  ];
  // Without this flag Chromium's adapter is null: the real "no WebGPU" case.
  if (opts.webgpu) args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan');
  return args;
}
