import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.ts';

describe('FILE_RETENTION_DAYS', () => {
  it('defaults per type and accepts partial overrides', () => {
    expect(loadConfig({}).FILE_RETENTION_DAYS).toEqual({ image: 730, video: 365, audio: 365, document: 1825, other: 365 });
    expect(loadConfig({ FILE_RETENTION_DAYS: 'image=30, document=0' }).FILE_RETENTION_DAYS).toMatchObject({ image: 30, document: 0, video: 365 });
  });

  it('refuses unknown types and non-numbers, naming the variable', () => {
    for (const bad of ['photo=3', 'image=abc', 'image']) {
      expect(() => loadConfig({ FILE_RETENTION_DAYS: bad }), bad).toThrow(ConfigError);
      try {
        loadConfig({ FILE_RETENTION_DAYS: bad });
      } catch (err) {
        expect((err as ConfigError).issues[0]).toMatch(/^FILE_RETENTION_DAYS: /);
      }
    }
    expect(() => loadConfig({ AUDIT_HMAC_KEY: 'short' })).toThrow(/AUDIT_HMAC_KEY/);
  });
});
