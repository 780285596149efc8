// More OpenAI-compatible servers of the same model: the list the panel edits, each one's connection test, kept in this browser only.
import { parseEndpoint } from '../engine/openai-http';
import type { ServerReport } from '../engine/openai-probe';

/** localStorage key of the list (never in IndexedDB, so never in an export). */
const KEY = 'arbiter.openai.servers';

/** Requests in flight at most per server when a run spreads over several (each adapts below it). */
export const PER_SERVER_CONCURRENCY = 4;

/** The connection test of one more server. */
export interface ServerCheck {
  testing: boolean;
  report: ServerReport | null;
  error: unknown;
}

const idle = (): ServerCheck => ({ testing: false, report: null, error: null });

export class OpenAIServerList {
  /** More servers serving the same model (same key): a batch run spreads over the live ones. */
  servers = $state<string[]>([]);
  /** Each server's last connection test, by index. */
  checks = $state<ServerCheck[]>([]);

  /** The main server's settings the tests use: the model to look for and the key. */
  constructor(private readonly main: { readonly model: string; readonly apiKey: string }) {
    try {
      const list: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
      if (Array.isArray(list)) this.servers = list.filter((u) => typeof u === 'string');
    } catch {
      // a corrupt entry just means no extra servers
    }
    this.checks = this.servers.map(idle);
  }

  /** The servers that are filled in. */
  filled(): string[] {
    return this.servers.map((u) => u.trim()).filter(Boolean);
  }

  save(): void {
    localStorage.setItem(KEY, JSON.stringify(this.filled()));
  }

  add(): void {
    this.servers.push('');
    this.checks.push(idle());
  }

  remove(i: number): void {
    this.servers.splice(i, 1);
    this.checks.splice(i, 1);
    this.save();
  }

  /** "Test connection" of server `i`: that it answers and serves the model. */
  async test(i: number): Promise<void> {
    const url = (this.servers[i] ?? '').trim();
    this.checks[i] = { testing: true, report: null, error: null };
    try {
      parseEndpoint(url);
      // The engine's code loads with the first test, not with the app.
      const { probeServer } = await import('../engine/openai-probe');
      const model = this.main.model.trim();
      const report = await probeServer({
        endpoint: url,
        ...(this.main.apiKey ? { apiKey: this.main.apiKey } : {}),
        ...(model ? { model } : {}),
      });
      if (model && report.models.length > 0 && !report.models.some((m) => m.id === model))
        throw new Error(
          `This server does not serve “${model}”; it serves ${report.models.map((m) => m.id).join(', ')}.`,
        );
      this.checks[i] = { testing: false, report, error: null };
      this.save();
    } catch (e) {
      this.checks[i] = { testing: false, report: null, error: e };
    }
  }
}
