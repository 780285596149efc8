// Holds the Markdown renderer once its chunk has loaded, so views rendered before then re-render with it.
type Render = (markdown: string) => string;
type Parts = (markdown: string) => Generator<string, void, void>;
type BlocksNodes = (markdowns: readonly string[]) => DocumentFragment;

let renderer = $state.raw<Render | null>(null);
let parts: Parts | null = null;
let blocksNodes: BlocksNodes | null = null;
let loading: Promise<Render> | null = null;

/** The renderer if loaded (a reactive read: a $derived that calls this re-runs when it arrives). */
export function loadedRenderer(): Render | null {
  return renderer;
}

/** renderMarkdownBlocksNodes once loaded (set together with the renderer: read loadedRenderer first). */
export function loadedBlocksNodesRenderer(): BlocksNodes | null {
  return renderer && blocksNodes;
}

/** Loads marked and DOMPurify (once); the app starts this right after its first paint. */
export function loadMarkdown(): Promise<Render> {
  loading ??= import('./markdown-render').then(
    (m) => {
      parts = m.renderMarkdownParts;
      blocksNodes = m.renderMarkdownBlocksNodes;
      return (renderer = m.renderMarkdown);
    },
    (err: unknown) => {
      // A failed chunk load (offline before the app was cached) is retried on the next call.
      loading = null;
      throw err;
    },
  );
  return loading;
}

/** The renderer in parts (renderMarkdownParts), once loaded. */
export async function loadMarkdownParts(): Promise<Parts> {
  await loadMarkdown();
  return parts as Parts;
}
