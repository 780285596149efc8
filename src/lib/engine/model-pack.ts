// Model packs: a cached model as a tar archive or a folder to carry on a USB stick, and back into files to seed.
import { ModelFileMismatchError } from './errors';
import type { ModelFile } from './model-files';

// A plain ustar archive: no size limit that matters for models (8 GiB per file), and written as a Blob
// made of the cached files' own Blobs, so exporting a 4 GB model copies nothing into memory.
const BLOCK = 512;
const enc = new TextEncoder();

function putString(buf: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = enc.encode(value);
  if (bytes.length > length)
    throw new ModelFileMismatchError(`The name “${value}” is too long for a model pack.`);
  buf.set(bytes, offset);
}

function putOctal(buf: Uint8Array, offset: number, length: number, value: number): void {
  putString(buf, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

function header(path: string, size: number, mtime: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  let name = path;
  let prefix = '';
  if (enc.encode(path).length > 100) {
    const cut = path.lastIndexOf('/', 155);
    prefix = path.slice(0, cut);
    name = path.slice(cut + 1);
  }
  putString(h, 0, 100, name);
  putOctal(h, 100, 8, 0o644);
  putOctal(h, 108, 8, 0);
  putOctal(h, 116, 8, 0);
  putOctal(h, 124, 12, size);
  putOctal(h, 136, 12, Math.floor(mtime / 1000));
  h.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  h[156] = 0x30; // '0': regular file
  putString(h, 257, 6, 'ustar\0');
  putString(h, 263, 2, '00');
  putString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  putString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** A tar archive of the files under `folder/`. */
export async function writeTar(
  files: ModelFile[],
  folder: string,
  now = Date.now(),
): Promise<Blob> {
  const parts: BlobPart[] = [];
  for (const f of files) {
    parts.push(
      header(`${folder}/${f.path}`, f.size, now) as Uint8Array<ArrayBuffer>,
      await f.blob(),
    );
    const pad = (BLOCK - (f.size % BLOCK)) % BLOCK;
    if (pad) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return new Blob(parts, { type: 'application/x-tar' });
}

function readString(buf: Uint8Array, offset: number, length: number): string {
  const slice = buf.subarray(offset, offset + length);
  const end = slice.indexOf(0);
  return new TextDecoder().decode(end >= 0 ? slice.subarray(0, end) : slice);
}

/** The regular files of a tar archive, as slices of it (nothing is copied). */
export async function readTar(archive: Blob): Promise<ModelFile[]> {
  const out: ModelFile[] = [];
  let offset = 0;
  while (offset + BLOCK <= archive.size) {
    const h = new Uint8Array(await archive.slice(offset, offset + BLOCK).arrayBuffer());
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] as number);
    const stored = parseInt(readString(h, 148, 8).trim(), 8);
    if (stored !== sum)
      throw new ModelFileMismatchError(
        'This file is not a model pack (a .tar archive exported by Arbiter), or it is damaged.',
        {
          offset,
        },
      );
    const size = parseInt(readString(h, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(h[156] as number);
    const prefix = readString(h, 345, 155);
    const name = readString(h, 0, 100);
    const start = offset + BLOCK;
    if (type === '0' || type === '\0') {
      const path = prefix ? `${prefix}/${name}` : name;
      out.push({ path, size, blob: () => archive.slice(start, start + size) });
    }
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (out.length === 0) throw new ModelFileMismatchError('This archive holds no files.');
  return out;
}

/** The File System Access API's directory handle, where the browser has it (Chromium). */
interface DirHandle {
  kind: 'directory';
  name: string;
  values(): AsyncIterable<DirHandle | FileHandle>;
  getDirectoryHandle(name: string, opts?: { create?: boolean }): Promise<DirHandle>;
  getFileHandle(name: string, opts?: { create?: boolean }): Promise<FileHandle>;
}
interface FileHandle {
  kind: 'file';
  name: string;
  getFile(): Promise<File>;
  createWritable(): Promise<WritableStream<Uint8Array> & { close(): Promise<void> }>;
}

type PickerWindow = {
  showDirectoryPicker?: (opts?: { mode?: 'read' | 'readwrite' }) => Promise<DirHandle>;
};

/** Ask for a folder (File System Access API). Null when the user cancels. */
export async function pickFolder(mode: 'read' | 'readwrite'): Promise<DirHandle | null> {
  const pick = (globalThis as PickerWindow).showDirectoryPicker;
  if (!pick) return null;
  try {
    return await pick({ mode });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') return null;
    throw e;
  }
}

/** Every file under a folder handle, paths relative to it with the folder's own name first. */
export async function filesOfFolder(dir: DirHandle, prefix = dir.name): Promise<ModelFile[]> {
  const out: ModelFile[] = [];
  for await (const h of dir.values()) {
    if (h.kind === 'directory') out.push(...(await filesOfFolder(h, `${prefix}/${h.name}`)));
    else {
      const file = await h.getFile();
      out.push({ path: `${prefix}/${h.name}`, size: file.size, blob: () => file });
    }
  }
  return out;
}

/** Write files into `folder` inside the picked directory, streaming each from its Blob. */
export async function writeFolder(
  dir: DirHandle,
  folder: string,
  files: ModelFile[],
  onFile?: (done: number, total: number) => void,
): Promise<void> {
  const target = await dir.getDirectoryHandle(folder, { create: true });
  for (const [i, f] of files.entries()) {
    const parts = f.path.split('/');
    let d = target;
    for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p, { create: true });
    const fh = await d.getFileHandle(parts.at(-1) as string, { create: true });
    const w = await fh.createWritable();
    await (await f.blob()).stream().pipeTo(w);
    onFile?.(i + 1, files.length);
  }
}

/** Files dropped on the page (from webkitGetAsEntry, which every current browser has), folders walked. */
export async function filesOfEntries(entries: FileSystemEntry[]): Promise<ModelFile[]> {
  const out: ModelFile[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) =>
        (entry as FileSystemFileEntry).file(res, rej),
      );
      out.push({ path, size: file.size, blob: () => file });
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries returns at most 100 entries per call; keep reading until it returns none.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((res, rej) =>
        reader.readEntries(res, rej),
      );
      if (batch.length === 0) break;
      for (const e of batch) await walk(e, path);
    }
  };
  for (const e of entries) await walk(e, '');
  return out;
}
