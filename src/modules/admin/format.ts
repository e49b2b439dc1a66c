/** How dates and phones look in chat replies (Spanish conventions, the configured time zone). */

export function formatDateTime(d: Date, timeZone?: string): string {
  return new Intl.DateTimeFormat('es-ES', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
}
