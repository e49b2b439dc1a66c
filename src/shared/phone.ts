/** Phone numbers are stored as digits with country code, no "+" (E.164 without the plus). */
export function normalizePhone(input: string): string | null {
  const digits = input.trim().replace(/^\+/, '').replace(/[\s\-().]/g, '');
  return /^\d{8,15}$/.test(digits) ? digits : null;
}

/** "34600000001" → "+34 600…001": enough to recognise a number without exposing it in logs. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '?';
  const d = phone.replace(/\D/g, '');
  if (d.length < 6) return '***';
  return `+${d.slice(0, 2)}…${d.slice(-3)}`;
}
