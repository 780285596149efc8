// Review state of your labels on the opened run: saving them, and rows and numbers that follow in place.
import type { ItemLabel, LabelRecord } from '../store';
import { withHuman, type ReviewRow } from '../review/rows';
import { removeLabel, saveLabel } from '../review/labels';
import { ReviewRunState } from './review-run.svelte';

export class ReviewLabelState extends ReviewRunState {
  saving = $state(false);
  labelError = $state<unknown>(null);

  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Stores your label (and keeps or replaces the note) on an item with LabelStore.set. The
   * judge's judgments are never touched. Rows and numbers update in place; nothing is reloaded.
   */
  async setLabel(itemId: string, label: ItemLabel | null, note?: string): Promise<void> {
    const l = this.loaded;
    if (!l) return;
    this.saving = true;
    try {
      const record = await saveLabel(await this.repos(), l.labels, itemId, label, note);
      this.labelError = null;
      this.relabel(itemId, record);
    } catch (e) {
      this.labelError = e;
    } finally {
      this.saving = false;
    }
  }

  /**
   * Swaps in one row with its new label, keeps the cursor on the same item when the filter still
   * shows it, and refreshes the numbers a moment later (a burst of keystrokes recomputes once).
   */
  private relabel(itemId: string, record: LabelRecord | undefined): void {
    const keep = this.current?.itemId;
    const at = this.cursor;
    this.rows = this.rows.map((r) => (r.itemId === itemId ? withHuman(r, record, this.gold) : r));
    const i = keep ? this.filtered.findIndex((r) => r.itemId === keep) : -1;
    this.cursor = i >= 0 ? i : Math.min(at, Math.max(0, this.filtered.length - 1));
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refreshNumbers();
    }, 300);
  }

  /** Your label := the judge's final verdict (accept the judge over the dataset's label). */
  async acceptVerdict(row: ReviewRow): Promise<void> {
    if (row.verdict === null) return;
    await this.setLabel(row.itemId, row.verdict);
  }

  async setNote(itemId: string, note: string): Promise<void> {
    const existing = this.loaded?.labels.get(itemId);
    await this.setLabel(itemId, existing?.label ?? null, note);
  }

  async clearLabel(itemId: string): Promise<void> {
    const l = this.loaded;
    if (!l) return;
    try {
      await removeLabel(await this.repos(), l.labels, itemId);
      this.relabel(itemId, undefined);
    } catch (e) {
      this.labelError = e;
    }
  }
}
