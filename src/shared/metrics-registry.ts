/**
 * A tiny Prometheus registry (counters and gauges with labels, text exposition format 0.0.4),
 * available as `services.metrics`. Call it from any seam; it never throws and costs a Map lookup.
 *
 *   services.metrics.messageIn('whatsapp' | 'meta_cloud')       inbound message logged
 *   services.metrics.messageOut('whatsapp' | 'meta_cloud')      outbound message sent
 *   services.metrics.dispatch('sent' | 'failed' | 'skipped')    campaign/outbound dispatch attempt
 *   services.metrics.failure('ingest' | 'media' | 'send' | …)   a failure worth alerting on
 *   services.metrics.webhook('stored' | 'duplicate' | …)        webhook deliveries by outcome
 *
 * Rates (dispatch rate, messages per second) come from Prometheus' rate() over these counters.
 * Gauges are sampled when /metrics is scraped (`gauge(name, help, collect)`).
 */

type Labels = Record<string, string>;

interface CounterDef {
  kind: 'counter';
  help: string;
  values: Map<string, { labels: Labels; value: number }>;
}

interface GaugeDef {
  kind: 'gauge';
  help: string;
  collect: () => Promise<Array<{ labels?: Labels; value: number }>> | Array<{ labels?: Labels; value: number }>;
}

export interface Counter {
  inc(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
}

export interface MetricsRegistry {
  counter(name: string, help: string): Counter;
  gauge(name: string, help: string, collect: GaugeDef['collect']): void;
  render(): Promise<string>;
  messageIn(channel: string): void;
  messageOut(channel: string): void;
  dispatch(outcome: string): void;
  failure(kind: string): void;
  webhook(outcome: string): void;
  webhookProcessed(outcome: string, count?: number): void;
}

const key = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');

/** Label values are escaped per the exposition format (backslash, quote, newline). */
const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function formatLabels(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (!entries.length) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(String(v))}"`).join(',')}}`;
}

const formatValue = (v: number) => (Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN');

export function createMetricsRegistry(prefix = 'mariadono_'): MetricsRegistry {
  const defs = new Map<string, CounterDef | GaugeDef>();

  function counter(name: string, help: string): Counter {
    const full = prefix + name;
    let def = defs.get(full);
    if (!def) {
      def = { kind: 'counter', help, values: new Map() };
      defs.set(full, def);
    }
    if (def.kind !== 'counter') throw new Error(`metric ${full} is not a counter`);
    const values = def.values;
    return {
      inc(labels = {}, by = 1) {
        const k = key(labels);
        const cur = values.get(k);
        if (cur) cur.value += by;
        else values.set(k, { labels: { ...labels }, value: by });
      },
      get(labels = {}) {
        return values.get(key(labels))?.value ?? 0;
      },
    };
  }

  const messages = counter('messages_total', 'Messages logged, by direction and channel.');
  const dispatches = counter('dispatch_total', 'Outbound dispatch attempts, by outcome.');
  const failures = counter('failures_total', 'Failures by kind (ingest, media, send, webhook, …).');
  const webhooks = counter('webhook_events_total', 'Webhook deliveries, by source and outcome.');

  return {
    counter,
    gauge(name, help, collect) {
      defs.set(prefix + name, { kind: 'gauge', help, collect });
    },
    messageIn: (channel) => messages.inc({ direction: 'in', channel }),
    messageOut: (channel) => messages.inc({ direction: 'out', channel }),
    dispatch: (outcome) => dispatches.inc({ outcome }),
    failure: (kind) => failures.inc({ kind }),
    webhook: (outcome) => webhooks.inc({ source: 'meta', outcome }),
    webhookProcessed: (outcome, count = 1) => webhooks.inc({ source: 'meta', outcome: `processed_${outcome}` }, count),
    async render() {
      const lines: string[] = [];
      for (const [name, def] of defs) {
        lines.push(`# HELP ${name} ${def.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
        lines.push(`# TYPE ${name} ${def.kind}`);
        if (def.kind === 'counter') {
          for (const { labels, value } of def.values.values()) lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
        } else {
          try {
            for (const s of await def.collect()) lines.push(`${name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
          } catch {
            // A failing probe (database down) must not break the scrape: the sample is omitted.
          }
        }
      }
      return `${lines.join('\n')}\n`;
    },
  };
}
