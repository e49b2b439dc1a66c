/**
 * Text from strangers (push names, profile names) made safe to store and to echo back: no
 * control characters, no bidirectional overrides or isolates (an RTL override turns "Ana" into
 * a spoofed display), whitespace collapsed, at most `max` whole code points.
 */
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function withoutBidi(s: string): string {
  return s.replace(BIDI, '');
}

export function cleanDisplayName(raw: string | null | undefined, max = 60): string | null {
  if (typeof raw !== 'string' || !raw) return null;
  // Only the head of a huge name is looked at: cleaning 100 KB to keep 60 characters is waste.
  const head = Array.from(raw.slice(0, max * 8)).slice(0, max * 4).join('');
  const cleaned = withoutBidi(head.normalize('NFC')).replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  const points = Array.from(cleaned);
  const out = points.length > max ? `${points.slice(0, max - 1).join('').trimEnd()}…` : cleaned;
  return out.length ? out : null;
}
