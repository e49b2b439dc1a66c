type AnyFn = (...args: unknown[]) => unknown;

/**
 * BuilderBot's engine handles each `message` event fire-and-forget. This keeps the promise of
 * each flow run (its `handleMsg`) so callers — tests, replay, the Cloud API seam — can wait for
 * the replies a message caused. Installed on a provider instance (ours for both platforms).
 */
export function trackFlowRuns(provider: { emit(name: string, ...args: unknown[]): unknown }): () => Promise<PromiseSettledResult<unknown>[]> {
  const pending: Promise<unknown>[] = [];
  const emitter = (provider as unknown as { emitter: { listeners(e: string): AnyFn[] } }).emitter;
  const baseEmit = provider.emit.bind(provider) as (name: string, ...args: unknown[]) => unknown;
  (provider as unknown as { emit: AnyFn }).emit = (name: unknown, ...args: unknown[]) => {
    if (name !== 'message') return baseEmit(name as string, ...args);
    for (const listener of emitter.listeners('message')) {
      try {
        const r = listener(...args);
        if (r && typeof (r as Promise<unknown>).then === 'function') pending.push(r as Promise<unknown>);
      } catch (err) {
        pending.push(Promise.reject(err));
      }
    }
  };
  /** Settles every flow run started so far (and those they start meanwhile). */
  return async () => {
    const out: PromiseSettledResult<unknown>[] = [];
    while (pending.length) out.push(...(await Promise.allSettled(pending.splice(0))));
    return out;
  };
}
