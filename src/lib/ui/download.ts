// Saves a Blob the user asked for (an export) as a file, without any network request.

/** Offers `blob` as a download named `name`. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled, or some browsers cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A file name stem for an export about one record: `prefix-<id>` with the whole id (a cut id may
 * name another run's file), characters that file systems refuse replaced by "_".
 */
export function fileStem(prefix: string, id: string): string {
  // eslint-disable-next-line no-control-regex
  const safe = id.replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_').slice(0, 120);
  return `${prefix}-${safe || 'run'}`;
}
