// Demo mode for workshops: a guided judgment, the position-bias demo and "judge vs humans", on the Judge page's own logic.
import { EXAMPLES, type ExamplePair } from '../data/examples';
import type { Verdict } from '../judge/types';
import type { Consistency } from '../judge/aggregate';
import { agreesWithLabel, labelAgreement } from '../judge/outcome';
import type { JudgeEngine } from '../engine/types';
import type { PairVerdict } from '../review/records';
import { JudgeState } from './judge.svelte';
import { PanelDemoState } from './demo-panel.svelte';
import type { ModelState } from './models.svelte';
import type { StorageState } from './storage.svelte';

const RUNS_KEY = 'arbiter.demo.runs';
const PRESENTER_KEY = 'arbiter.demo.presenter';

/** The tour's steps, in order; the view shows one at a time. */
export const TOUR_STEPS = ['pair', 'prompt', 'orders', 'verdict', 'why'] as const;
export type TourStep = (typeof TOUR_STEPS)[number];

export interface HumanRow {
  example: ExamplePair;
  verdict: Verdict | null;
  consistency: Consistency | null;
  /** Agreement with the human label (the judge core's agreesWithLabel): null without a verdict; a flip never agrees. */
  agrees: boolean | null;
}

/** What a verdict means, in plain words for a room of newcomers. */
export function explainVerdict(v: PairVerdict | null, humanLabel?: 'A' | 'B'): string {
  if (!v) return '';
  const first = v.orders.find((o) => o.order === 'AB')?.majority.verdict;
  const second = v.orders.find((o) => o.order === 'BA')?.majority.verdict;
  let text: string;
  switch (v.consistency) {
    case 'flipped':
      text = `The judge saw the pair twice, once with answer A first and once with the two swapped. It chose answer ${first ?? '?'} the first time and answer ${second ?? '?'} the second: it followed the position, not the content. That is position bias, and it is why Arbiter asks both ways and reports "No winner: flipped" instead of trusting either verdict.`;
      break;
    case 'consistent':
      text =
        v.verdict === 'tie'
          ? 'The judge called it a tie in both orders: swapping the answers did not change its mind.'
          : `The judge chose answer ${v.verdict} in both orders: swapping the answers did not change its mind, so this verdict is not just position bias.`;
      break;
    case 'one-order':
      text = 'Only one order was judged, so position bias cannot be ruled out.';
      break;
    case 'partial':
      text =
        'One order gave a verdict and the other could not be read, so the verdict rests on one order.';
      break;
    default:
      text = 'The judge’s answers could not be read as a verdict.';
  }
  if (humanLabel && v.consistency === 'consistent' && v.verdict !== 'tie')
    text +=
      v.verdict === humanLabel
        ? ' The human label agrees.'
        : ` The human label says ${humanLabel}: the judge got this one wrong.`;
  return text;
}

export class DemoState {
  /** A judge of its own: the demo never touches what the Judge page holds, but runs the same code. */
  readonly judge: JudgeState;
  /** The panel step: several judges on the same pairs, loaded one at a time. */
  readonly panel: PanelDemoState;
  step = $state(0);
  presenter = $state(false);
  exampleId = $state(EXAMPLES[0]?.id ?? '');
  humans = $state.raw<HumanRow[]>([]);
  humansRunning = $state(false);
  humansError = $state<unknown>(null);
  resetError = $state<unknown>(null);
  private stopHumans = false;

  readonly example = $derived(EXAMPLES.find((e) => e.id === this.exampleId) ?? null);
  readonly humansAgreement = $derived(
    labelAgreement(this.humans.map((h) => ({ label: h.example.label, correct: h.agrees }))),
  );
  readonly humansConsistency = $derived.by(() => {
    const judged = this.humans.filter((h) => h.consistency !== null);
    if (judged.length === 0) return null;
    return judged.filter((h) => h.consistency === 'consistent').length / judged.length;
  });

  constructor(
    engine: JudgeEngine,
    private readonly models: ModelState,
    private readonly storage: StorageState,
  ) {
    this.judge = new JudgeState(engine, models, storage);
    this.judge.batchRunOnEngine = () => models.batchRunOnEngine();
    this.panel = new PanelDemoState(engine, models, storage, (id) => this.remember(id));
    this.presenter = localStorage.getItem(PRESENTER_KEY) === '1';
  }

  get busy(): boolean {
    return (
      this.humansRunning ||
      this.panel.running ||
      this.judge.status === 'running' ||
      this.judge.status === 'checking'
    );
  }

  get ready(): boolean {
    return this.models.status === 'ready' && this.models.loaded !== null;
  }

  setPresenter(on: boolean): void {
    this.presenter = on;
    localStorage.setItem(PRESENTER_KEY, on ? '1' : '0');
  }

  choose(exampleId: string): void {
    this.exampleId = exampleId;
    this.judge.useExample(exampleId);
    this.step = 0;
  }

  next(): void {
    this.step = Math.min(TOUR_STEPS.length - 1, this.step + 1);
  }

  back(): void {
    this.step = Math.max(0, this.step - 1);
  }

  /** Judge the chosen pair live, in both orders side by side (never a stored verdict: the room should see it happen). */
  async judgeBothOrders(): Promise<void> {
    if (!this.example) return;
    this.judge.useExample(this.example.id);
    this.judge.templateId = 'j1-pairwise';
    this.judge.options.bothOrders = true;
    this.judge.options.samples = 1;
    await this.judge.judge(true);
    this.remember(this.judge.runId);
  }

  /** Judge every bundled labeled pair and compare with the human labels. */
  async runHumans(): Promise<void> {
    if (this.humansRunning) return;
    this.humansRunning = true;
    this.humansError = null;
    this.stopHumans = false;
    this.humans = [];
    try {
      for (const example of EXAMPLES) {
        if (this.stopHumans) break;
        this.judge.useExample(example.id);
        this.judge.templateId = 'j1-pairwise';
        this.judge.options.bothOrders = true;
        await this.judge.judge(true);
        this.remember(this.judge.runId);
        if (this.judge.status === 'stopped') break;
        if (this.judge.status === 'error') {
          this.humansError = this.judge.error;
          break;
        }
        const v = this.judge.verdict;
        const consistency = v?.consistency ?? null;
        const verdict = v?.verdict ?? null;
        this.humans = [
          ...this.humans,
          {
            example,
            verdict,
            consistency,
            agrees: v ? agreesWithLabel(v, example.label) : null,
          },
        ];
      }
    } finally {
      this.humansRunning = false;
    }
  }

  stop(): void {
    this.stopHumans = true;
    this.judge.stop();
    this.panel.stop();
  }

  private remember(runId: string | null): void {
    if (!runId) return;
    const runs = this.demoRuns();
    if (!runs.includes(runId)) localStorage.setItem(RUNS_KEY, JSON.stringify([...runs, runId]));
  }

  private demoRuns(): string[] {
    try {
      const v = JSON.parse(localStorage.getItem(RUNS_KEY) ?? '[]') as unknown;
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  }

  /**
   * Ready for the next group: stop, forget the demo's results and delete the judgments it stored.
   * The cached model (and the loaded one) stay, so the next session starts at once.
   */
  async reset(): Promise<void> {
    this.stop();
    this.resetError = null;
    try {
      const repos = await this.storage.repositories();
      for (const id of this.demoRuns()) await repos.runs.delete(id);
      localStorage.removeItem(RUNS_KEY);
    } catch (e) {
      this.resetError = e;
    }
    this.judge.reset();
    this.judge.useExample(EXAMPLES[0]?.id ?? '');
    this.exampleId = EXAMPLES[0]?.id ?? '';
    this.humans = [];
    this.humansError = null;
    this.panel.clear();
    this.step = 0;
  }
}
