// Shared by the profiles (profile-pair.mjs, profile-review.mjs): a Chrome trace over CDP, the page's main thread in it, its JS samples.

/**
 * Starts a trace on `cdp` with the categories the profiles read; `js` adds the JS sampling
 * profiler (which costs the page several ms a second), `userTiming` the page's performance marks.
 * `stop()` ends it and resolves with the trace events.
 */
export async function startTrace(cdp, { js, userTiming = false }) {
  const events = [];
  const onData = (e) => events.push(...e.value);
  cdp.on('Tracing.dataCollected', onData);
  const done = new Promise((res) => cdp.once('Tracing.tracingComplete', res));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      includedCategories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'toplevel',
        'v8',
        'v8.execute',
        'blink',
        ...(userTiming ? ['blink.user_timing'] : []),
        ...(js ? ['disabled-by-default-v8.cpu_profiler'] : []),
        'disabled-by-default-v8.gc',
      ],
    },
  });
  return {
    async stop() {
      await cdp.send('Tracing.end');
      await done;
      cdp.off('Tracing.dataCollected', onData);
      return events;
    },
  };
}

/**
 * The page's main thread (`pid:tid` of the renderer main thread with the most tasks) and its
 * complete events by start time, each with `__node.self`: its duration less its nested events'.
 */
export function mainThread(events) {
  const names = new Map();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const counts = new Map();
  for (const e of events)
    if (e.name === 'RunTask' && names.get(`${e.pid}:${e.tid}`) === 'CrRendererMain')
      counts.set(`${e.pid}:${e.tid}`, (counts.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  const main = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const mine = events
    .filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X')
    .sort((a, b) => a.ts - b.ts);
  // Nesting by ts/dur containment: a parent's self time loses each child's duration.
  const stack = [];
  for (const e of mine) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) parent.self -= e.dur ?? 0;
    const node = { ts: e.ts, dur: e.dur ?? 0, self: e.dur ?? 0, name: e.name };
    stack.push(node);
    e.__node = node;
  }
  return { main, mine };
}

/**
 * The JS sampling profiler's samples on thread `main`, as `{ frame, ts, d }` (call frame, time,
 * µs since the previous sample). The chunks are emitted on profiler threads and tied to the main
 * thread's Profile event by id.
 */
export function* jsSamples(events, main) {
  const profile = events.find((e) => e.name === 'Profile' && `${e.pid}:${e.tid}` === main);
  const nodes = new Map();
  let ts = profile?.args?.data?.startTime ?? 0;
  for (const e of events) {
    if (e.name !== 'ProfileChunk' || e.id !== profile?.id) continue;
    const c = e.args?.data?.cpuProfile;
    for (const n of c?.nodes ?? []) nodes.set(n.id, n.callFrame);
    const deltas = e.args?.data?.timeDeltas ?? [];
    const samples = c?.samples ?? [];
    for (let i = 0; i < samples.length; i++) {
      const d = deltas[i] ?? 0;
      ts += d;
      yield { frame: nodes.get(samples[i]), ts, d };
    }
  }
}
