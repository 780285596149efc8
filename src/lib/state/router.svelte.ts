// Hash router: the current view and its parameter, kept in the URL so reload and back work.
export type ViewName = 'judge' | 'models' | 'history' | 'datasets';

const views: ViewName[] = ['judge', 'models', 'history', 'datasets'];

function parse(hash: string): { view: ViewName; param: string | null } {
  const [name, param] = hash.replace(/^#\/?/, '').split('/');
  const view = views.includes(name as ViewName) ? (name as ViewName) : 'judge';
  return { view, param: param ? decodeURIComponent(param) : null };
}

export class Router {
  view = $state<ViewName>('judge');
  param = $state<string | null>(null);

  constructor() {
    this.sync();
    window.addEventListener('hashchange', () => this.sync());
  }

  private sync(): void {
    const r = parse(location.hash);
    this.view = r.view;
    this.param = r.param;
  }

  go(view: ViewName, param: string | null = null): void {
    location.hash = `#/${view}${param ? `/${encodeURIComponent(param)}` : ''}`;
  }
}
