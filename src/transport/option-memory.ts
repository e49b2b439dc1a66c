import type { Reply } from './types.ts';

/**
 * The options a flow last offered each customer (buttons or list rows), so a typed number answers
 * with the option's id: on Baileys buttons are numbered lines, and Cloud API customers may type
 * "2" instead of tapping. Bounded, in memory (like BuilderBot's own flow state: a restart only
 * forgets which options were on screen, and a typed number is then read as typed).
 */
export function createOptionMemory(max = 20_000) {
  const last = new Map<string, string[]>();
  return {
    /** Called with every flow reply: remembers the ids of buttons/list rows sent to `to`. */
    sent(to: string, reply: Reply): void {
      const ids = reply.kind === 'buttons' ? reply.buttons.map((b) => b.id) : reply.kind === 'list' ? reply.sections.flatMap((s) => s.rows.map((r) => r.id)) : null;
      if (!ids) return;
      last.delete(to);
      last.set(to, ids);
      if (last.size > max) last.delete(last.keys().next().value!);
    },
    /** `text` as the flows should read it: "2" → the id of the 2nd option last offered to `from`. */
    answer(from: string, text: string): string {
      const n = /^\s*(\d{1,2})\s*$/.exec(text)?.[1];
      const ids = n ? last.get(from) : undefined;
      return ids?.[Number(n) - 1] ?? text;
    },
  };
}

export type OptionMemory = ReturnType<typeof createOptionMemory>;
