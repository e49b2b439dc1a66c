import type { VariableScope, TemplateVariableSpec } from './model.ts';

/**
 * Meta's variables are positional (`{{1}}`, `{{2}}` …). Staff may also write named ones
 * (`{{nombre}}`): each distinct name gets the next free position, in order of first appearance,
 * and the name is kept in template_variables so rendering can fill it from the client's data.
 */

const TOKEN = /\{\{\s*([\p{L}\p{N}_]+)\s*\}\}/gu;

export interface NumberedText {
  text: string;
  /** Positions in order of appearance (repeats included). */
  positions: number[];
  /** position → name, for named variables. */
  names: Map<number, string>;
}

export function numberVariables(input: string, known: Map<string, number> = new Map()): NumberedText {
  const names = new Map<number, string>();
  const byName = new Map(known);
  const numeric = [...input.matchAll(TOKEN)].map((m) => m[1]!).filter((w) => /^\d+$/.test(w)).map(Number);
  let next = Math.max(0, ...numeric, ...byName.values()) + 1;
  const positions: number[] = [];
  const text = input.replace(TOKEN, (_, word: string) => {
    let pos: number;
    if (/^\d+$/.test(word)) pos = Number(word);
    else {
      const key = word.toLowerCase();
      pos = byName.get(key) ?? next++;
      byName.set(key, pos);
      names.set(pos, key);
    }
    positions.push(pos);
    return `{{${pos}}}`;
  });
  for (const [name, pos] of byName) if (!names.has(pos) && positions.includes(pos)) names.set(pos, name);
  return { text, positions, names };
}

/** Distinct positions used in a text, ascending. */
export function positionsIn(text: string | null | undefined): number[] {
  return [...new Set([...(text ?? '').matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
}

/**
 * The variable list of a content: one entry per distinct position of each scope, keeping the
 * type/required/example already known (from `previous`, by scope + position) and filling names.
 */
export function collectVariables(
  scopes: Array<{ scope: VariableScope; text: string | null; names?: Map<number, string> }>,
  previous: TemplateVariableSpec[] = [],
): TemplateVariableSpec[] {
  const out: TemplateVariableSpec[] = [];
  for (const { scope, text, names } of scopes) {
    for (const position of positionsIn(text)) {
      const prev = previous.find((v) => v.scope === scope && v.position === position);
      out.push({
        scope,
        position,
        name: names?.get(position) ?? prev?.name ?? null,
        type: prev?.type ?? 'text',
        required: prev?.required ?? true,
        example: prev?.example ?? null,
      });
    }
  }
  return out;
}
