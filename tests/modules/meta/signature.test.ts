import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dedupeKeyOf, signBody, verifySignature } from '../../../src/modules/meta/signature.ts';

describe('meta webhook signature', () => {
  const secret = 's3cret';
  const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');

  it('signs the raw bytes with HMAC-SHA256 prefixed by sha256=', () => {
    const hex = createHmac('sha256', secret).update(body).digest('hex');
    expect(signBody(body, secret)).toBe(`sha256=${hex}`);
  });

  it('accepts the right signature, in upper or lower case hex', () => {
    const sig = signBody(body, secret);
    expect(verifySignature(body, sig, secret)).toBe('ok');
    expect(verifySignature(body, `sha256=${sig.slice(7).toUpperCase()}`, secret)).toBe('ok');
  });

  it('reports a missing header as missing and anything else wrong as invalid', () => {
    expect(verifySignature(body, undefined, secret)).toBe('missing');
    expect(verifySignature(body, '', secret)).toBe('missing');
    expect(verifySignature(body, 'sha1=abc', secret)).toBe('invalid');
    expect(verifySignature(body, 'sha256=abc', secret)).toBe('invalid');
    expect(verifySignature(body, signBody(body, 'other'), secret)).toBe('invalid');
    expect(verifySignature(Buffer.from(`${body} `), signBody(body, secret), secret)).toBe('invalid');
  });

  it('derives the same dedupe key from the same bytes only', () => {
    expect(dedupeKeyOf(body)).toBe(dedupeKeyOf(Buffer.from(body)));
    expect(dedupeKeyOf(body)).toMatch(/^[0-9a-f]{64}$/);
    expect(dedupeKeyOf(Buffer.from(`${body}\n`))).not.toBe(dedupeKeyOf(body));
  });
});
