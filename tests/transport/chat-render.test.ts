import { describe, expect, it } from 'vitest';
import { renderSend } from '../../src/cli/chat.ts';

/** How `mariadono chat` prints what the bot sent: text as is, files by their saved path. */
describe('mariadono chat: rendering the bot’s messages', () => {
  const sent = (content: Record<string, unknown>) => ({ type: 'send' as const, to: '34600000001@s.whatsapp.net', messageId: 'M1', content });

  it('prints texts as they are, and images and documents as their saved path with the caption', () => {
    expect(renderSend(sent({ text: 'hola' }))).toBe('hola');
    expect(renderSend(sent({ image: { url: '/srv/storage/replay-outbox/M1.png' }, caption: 'tu QR' }))).toBe('[imagen] /srv/storage/replay-outbox/M1.png\ntu QR');
    expect(renderSend(sent({ document: { url: '/srv/storage/reports/ventas.csv' }, fileName: 'ventas.csv', mimetype: 'text/csv' }))).toBe('[documento ventas.csv] /srv/storage/reports/ventas.csv');
    expect(renderSend(sent({ sticker: {} }))).toBe('[mensaje] (sin ruta)');
  });
});
