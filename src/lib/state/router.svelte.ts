// Hash router: the current view and its parameter, kept in the URL so reload and back work.
export type ViewName =
  | 'judge'
  | 'models'
  | 'history'
  | 'datasets'
  | 'runs'
  | 'review'
  | 'compare'
  | 'leaderboard'
  | 'panel'
  | 'privacy'
  | 'demo'
  | 'not-found';

const views: ViewName[] = [
  'judge',
  'models',
  'history',
  'datasets',
  'runs',
  'review',
  'compare',
  'leaderboard',
  'panel',
  'privacy',
  'demo',
];

function decodeSegment(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

/** The view and parameters a hash names; an empty hash is the Judge page, an unknown one is not found. */
export function parseRoute(hash: string): {
  view: ViewName;
  param: string | null;
  params: string[];
} {
  const [name = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  const view =
    name === '' ? 'judge' : views.includes(name as ViewName) ? (name as ViewName) : 'not-found';
  // Every segment after the view (compare has two run ids, panel two or more); `param` stays the first one.
  const params = rest.filter(Boolean).map(decodeSegment);
  return { view, param: params[0] ?? null, params };
}

export class Router {
  view = $state<ViewName>('judge');
  param = $state<string | null>(null);
  params = $state.raw<string[]>([]);

  constructor() {
    this.sync();
    window.addEventListener('hashchange', () => this.sync());
  }

  private sync(): void {
    const r = parseRoute(location.hash);
    this.view = r.view;
    this.param = r.param;
    this.params = r.params;
  }

  go(view: ViewName, param: string | null = null): void {
    location.hash = `#/${view}${param ? `/${encodeURIComponent(param)}` : ''}`;
  }
}
