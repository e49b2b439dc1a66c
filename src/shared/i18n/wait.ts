import { t } from './index.ts';

/**
 * A waiting time as people read it, in Spanish: "1 segundo", "7 segundos", "3 minutos",
 * "2 horas". Rounded up, so nobody who waits what they were told is refused again.
 */
export function formatWait(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return s === 1 ? t('common.wait.second') : t('common.wait.seconds', { n: s });
  const m = Math.ceil(s / 60);
  if (m < 120) return m === 1 ? t('common.wait.minute') : t('common.wait.minutes', { n: m });
  return t('common.wait.hours', { n: Math.ceil(m / 60) });
}
