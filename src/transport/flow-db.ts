import { MemoryDB } from '@builderbot/bot';

/**
 * BuilderBot's conversation-state store. The engine only asks for the latest step with a
 * keyword per number (`getPrevByNumber`) and appends every step (`save`); MemoryDB keeps every
 * step forever. This keeps just the latest keyword step per number, for a bounded number of
 * numbers, so a long-running bot does not grow without limit. It is not the message log (that is
 * conversations_log): a restart only forgets where each customer was inside a flow.
 */
type Step = { from: string; keyword?: unknown } & Record<string, unknown>;

export class FlowStateDB extends MemoryDB {
  private readonly latest = new Map<string, Step>();
  private readonly max: number;

  constructor(max = 20_000) {
    super();
    this.max = max;
  }

  override async getPrevByNumber(from: string): Promise<any> {
    return this.latest.get(from);
  }

  override async save(ctx: any): Promise<void> {
    const step = ctx as Step;
    if (!step?.from || !step.keyword) return;
    this.latest.delete(step.from);
    this.latest.set(step.from, step);
    if (this.latest.size > this.max) this.latest.delete(this.latest.keys().next().value!);
  }
}
