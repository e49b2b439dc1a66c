import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatNumber, messageKeys, t } from '../../src/shared/i18n/index.ts';

/** Every `t('literal.key')` in the sources, so a typo cannot reach a customer as a raw key. */
function keysUsedInCode(): Array<{ file: string; key: string }> {
  const files = execFileSync('git', ['ls-files', 'src', 'flows'], { encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.ts'));
  const out: Array<{ file: string; key: string }> = [];
  for (const file of files) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/\bt\(\s*'([a-z_]+\.[a-zA-Z0-9_.]+)'/g)) out.push({ file, key: m[1]! });
  }
  return out;
}

describe('message catalog', () => {
  it('has every key the code asks for', () => {
    const used = keysUsedInCode();
    expect(used.length).toBeGreaterThan(50);
    const missing = used.filter((u) => !messageKeys.has(u.key));
    expect(missing).toEqual([]);
  });

  it('fills placeholders and formats numbers the Spanish way', () => {
    expect(t('common.invalid_input', { detail: 'falta "phone"' })).toBe('Los datos enviados no son válidos: falta "phone"');
    expect(formatNumber(12480)).toBe('12 480');
    expect(t('no.such.key')).toBe('no.such.key');
  });
});
