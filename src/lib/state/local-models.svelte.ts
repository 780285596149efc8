// Models from files: seed a picked folder, dropped files or an imported pack into web-llm's caches; export packs.
import { AbortedError } from '../engine/errors';
import type { ModelFile, SeedProgress } from '../engine/model-files';
import type { ModelSpec } from '../engine/types';

// The checking, seeding and pack code loads on first use, so it costs the main bundle nothing.
const seeding = () => import('../engine/model-files');
const packs = () => import('../engine/model-pack');
import type { ModelState } from './models.svelte';

export type LocalStatus = 'idle' | 'checking' | 'storing' | 'done' | 'error';

/** A file for the browser to download, made by an export. */
export interface PackDownload {
  url: string;
  fileName: string;
  bytes: number;
}

export class LocalModelsState {
  status = $state<LocalStatus>('idle');
  progress = $state.raw<SeedProgress | null>(null);
  error = $state<unknown>(null);
  /** The model that was stored last, to offer "Load it now". */
  stored = $state.raw<ModelSpec | null>(null);
  exporting = $state<string | null>(null);
  exportError = $state<unknown>(null);
  exportDone = $state<string | null>(null);
  download = $state.raw<PackDownload | null>(null);
  /** The File System Access API's folder picker exists (Chromium). */
  readonly folders =
    typeof (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';
  private abort: AbortController | null = null;

  constructor(private readonly models: ModelState) {}

  private known = (modelId: string): ModelSpec | undefined =>
    this.models.offered.find((m) => m.spec.modelId === modelId)?.spec;

  /**
   * Check and store model files: a folder's files, loose files, or one .tar model pack.
   * A model the app does not know yet is added as a custom model.
   */
  async importFiles(input: ModelFile[]): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.status = 'checking';
    this.error = null;
    this.stored = null;
    this.progress = null;
    try {
      const [{ planSeed, seedModel }, { readTar }] = await Promise.all([seeding(), packs()]);
      let files = input;
      const only = input.length === 1 ? input[0] : undefined;
      if (only && /\.tar$/i.test(only.path)) files = await readTar(await only.blob());
      const plan = await planSeed(files, { known: this.known });
      this.status = 'storing';
      await seedModel(plan, { signal: abort.signal, onProgress: (p) => (this.progress = p) });
      if (!this.known(plan.spec.modelId)) {
        this.models.addCustom({
          modelId: plan.spec.modelId,
          modelUrl: plan.spec.modelUrl,
          modelLibUrl: plan.spec.modelLibUrl,
          contextWindow: plan.spec.contextWindow,
          thinking: plan.spec.thinking,
          ...(plan.spec.engine === 'wllama'
            ? { engine: 'wllama' as const, ggufFiles: plan.spec.ggufFiles ?? [] }
            : {}),
        });
      }
      this.models.select(plan.spec.modelId);
      this.stored = plan.spec;
      this.status = 'done';
    } catch (e) {
      this.status = e instanceof AbortedError ? 'idle' : 'error';
      this.error = e instanceof AbortedError ? null : e;
    } finally {
      if (this.abort === abort) this.abort = null;
      await this.models.refreshCache();
    }
  }

  /** Files from a file input (a folder pick keeps each file's path inside the folder). */
  async importPicked(list: Iterable<File>): Promise<void> {
    const files = (await seeding()).fromFiles(list);
    if (files.length > 0) await this.importFiles(files);
  }

  /** Files and folders dropped on the page. */
  async importDrop(items: DataTransferItemList): Promise<void> {
    // The entries must be taken before the drop event returns; walking them can wait for the module.
    const entries = [...items]
      .map((i) => i.webkitGetAsEntry())
      .filter((e): e is FileSystemEntry => e !== null);
    const files = await (await packs()).filesOfEntries(entries);
    if (files.length > 0) await this.importFiles(files);
  }

  /** Import from a folder chosen with the File System Access API. */
  async importFolder(): Promise<void> {
    const { pickFolder, filesOfFolder } = await packs();
    const dir = await pickFolder('read').catch((e: unknown) => {
      this.error = e;
      this.status = 'error';
      return null;
    });
    if (dir) await this.importFiles(await filesOfFolder(dir));
  }

  cancel(): void {
    this.abort?.abort();
  }

  /** Save a cached model as a .tar pack (downloaded) or into a picked folder. */
  async exportPack(spec: ModelSpec, to: 'archive' | 'folder'): Promise<void> {
    this.exporting = spec.modelId;
    this.exportError = null;
    this.exportDone = null;
    this.clearDownload();
    try {
      const [{ cachedModelFiles }, { pickFolder, writeFolder, writeTar }] = await Promise.all([
        seeding(),
        packs(),
      ]);
      const files = await cachedModelFiles(spec);
      if (to === 'folder') {
        const dir = await pickFolder('readwrite');
        if (!dir) return;
        await writeFolder(dir, spec.modelId, files);
        this.exportDone = `Saved ${files.length} files into the folder ${dir.name}/${spec.modelId}.`;
      } else {
        const blob = await writeTar(files, spec.modelId);
        this.download = {
          url: URL.createObjectURL(blob),
          fileName: `${spec.modelId}.tar`,
          bytes: blob.size,
        };
        this.exportDone = `The pack for ${spec.modelId} is ready to save.`;
      }
    } catch (e) {
      this.exportError = e;
    } finally {
      this.exporting = null;
    }
  }

  clearDownload(): void {
    if (this.download) URL.revokeObjectURL(this.download.url);
    this.download = null;
  }
}
