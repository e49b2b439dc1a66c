/**
 * BuilderBot matches plain keywords as case-insensitive substrings ("1" would match "2021"), so
 * our flows use `{ regex: true }` with a whole-message pattern instead: the customer's message,
 * trimmed and without ¡¿ or trailing punctuation, must be exactly one of the words.
 */
const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A regex literal (as BuilderBot evaluates it) matching any of `words` as the whole message. */
export function exactly(words: readonly string[]): string {
  return `/^\\s*[¡¿]*\\s*(?:${words.map(escape).join('|')})\\s*[.!¡?¿]*\\s*$/i`;
}

export const MENU_WORDS = ['menu', 'menú', 'hola', 'holi', 'buenas', 'buenos días', 'buenos dias', 'buenas tardes', 'buenas noches', 'inicio', 'ayuda', 'opciones', 'hi', 'hello'] as const;
export const AGENT_WORDS = ['1', '1️⃣', 'agente', 'hablar con un agente', 'asesor', 'humano', 'persona'] as const;
export const ORDERS_WORDS = ['2', '2️⃣', 'mis pedidos', 'pedidos', 'mi pedido', 'pedido'] as const;
export const OPT_OUT_WORDS = ['3', '3️⃣', 'baja', 'stop', 'cancelar', 'darme de baja', 'dar de baja', 'unsubscribe'] as const;
export const OPT_IN_WORDS = ['alta', 'darme de alta', 'suscribirme', 'start'] as const;
