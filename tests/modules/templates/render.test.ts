import { describe, expect, it, vi } from 'vitest';
import axios, { AxiosError } from 'axios';
import { renderTemplate } from '../../../src/modules/templates/render.ts';
import { mergeContent, EMPTY_CONTENT } from '../../../src/modules/templates/content.ts';
import { contentFromOptions } from '../../../src/modules/templates/options.ts';
import { fromMetaComponents, toMetaComponents } from '../../../src/modules/templates/components.ts';
import { diffVersions } from '../../../src/modules/templates/diff.ts';
import { fromMetaCategory, toMetaCategory } from '../../../src/modules/templates/category.ts';
import { classifyMetaError } from '../../../src/modules/templates/meta-errors.ts';
import { assertPublicUrl, createHeaderMedia } from '../../../src/modules/templates/media-header.ts';

const content = (options: Record<string, string>, media: string | null = null) => mergeContent(EMPTY_CONTENT, contentFromOptions(options), media);

const shipping = content({
  encabezado: 'Pedido {{1}}',
  ejemplo_encabezado: 'A-1',
  cuerpo: 'Hola {{nombre}}, tu pedido {{pedido}} sale hoy. Total: {{total}}.',
  ejemplo_nombre: 'Ana', ejemplo_pedido: 'A-1', ejemplo_total: '10 EUR',
  pie: 'Tienda Ejemplo',
  boton: 'respuesta:Gracias',
  boton2: 'web:Seguir envío:https://tienda.es/envio/{{1}}',
  ejemplo_boton2: 'A-1',
  boton3: 'llamar:Llámanos:+34600000001',
});
const client = { nombre: 'Ana', phone: '34600000777', lastOrder: { id: 7, ref: 'P-77', total: '49.90', currency: 'EUR' } };

describe('renderTemplate', () => {
  it('fills named variables from the client and gives Cloud API components with header, body and button parameters', () => {
    const r = renderTemplate({ content: shipping, client, values: { encabezado: 'P-77', boton2: 'P-77' } });
    expect(r.components).toEqual([
      { type: 'header', parameters: [{ type: 'text', text: 'P-77' }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'P-77' }, { type: 'text', text: '49.90 EUR' }] },
      { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'Gracias' }] },
      { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'P-77' }] },
    ]);
  });

  it('gives Baileys text with header, footer, buttons as numbered options and the URL button as its link', () => {
    const r = renderTemplate({ content: shipping, client, values: { encabezado: 'P-77', boton2: 'P-77' } });
    expect(r.text).toBe(
      '*Pedido P-77*\n\nHola Ana, tu pedido P-77 sale hoy. Total: 49.90 EUR.\n\n_Tienda Ejemplo_\n\n' +
        '1. Gracias\n2. Seguir envío: https://tienda.es/envio/P-77\n3. Llámanos: +34600000001',
    );
  });

  it('explicit values win over client data; positions work as keys', () => {
    const r = renderTemplate({ content: shipping, client, values: { 1: 'Sra. Ana', encabezado: 'X', boton2: 'X', total: '5 EUR' } });
    expect(r.text).toContain('Hola Sra. Ana, tu pedido P-77 sale hoy. Total: 5 EUR.');
  });

  it('refuses to render with a required value missing, naming it', () => {
    expect(() => renderTemplate({ name: 'envio', content: shipping, client: { nombre: 'Ana' } })).toThrow(/Faltan valores obligatorios para enviar «envio»: header\.\{\{1\}\}, \{\{2\}\} \(pedido\), \{\{3\}\} \(total\), button\.1\.\{\{1\}\}/);
  });

  it('checks typed values (phone, email)', () => {
    const c = content({ cuerpo: 'Te llamamos al {{1}} hoy.', ejemplo1: '+34600000001', tipo1: 'telefono' });
    expect(renderTemplate({ content: c, values: { 1: '+34 600 00 00 02' } }).text).toBe('Te llamamos al +34600000002 hoy.');
    expect(() => renderTemplate({ content: c, values: { 1: 'mañana' } })).toThrow(/se espera phone/);
  });

  it('renders a media header as an image parameter for the Cloud API and its link for Baileys', () => {
    const c = content({ encabezado_tipo: 'imagen', cuerpo: 'Mira la oferta de hoy, {{1}}.', ejemplo1: 'Ana' }, 'https://cdn.tienda.es/oferta.jpg');
    const r = renderTemplate({ content: c, values: { 1: 'Ana' } });
    expect(r.components[0]).toEqual({ type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.tienda.es/oferta.jpg' } }] });
    expect(r.text.split('\n\n')[0]).toBe('https://cdn.tienda.es/oferta.jpg');
    const byId = renderTemplate({ content: c, values: { 1: 'Ana' }, headerMedia: { id: 'media-9' } });
    expect(byId.components[0]).toEqual({ type: 'header', parameters: [{ type: 'image', image: { id: 'media-9' } }] });
  });
});

describe('Meta components', () => {
  it('round-trip: what we submit imports back as the same content', () => {
    const comps = toMetaComponents(shipping);
    expect(comps.find((c) => c.type === 'BODY')).toEqual({ type: 'BODY', text: shipping.body, example: { body_text: [['Ana', 'A-1', '10 EUR']] } });
    expect(comps.find((c) => c.type === 'BUTTONS')?.buttons?.[1]).toEqual({ type: 'URL', text: 'Seguir envío', url: 'https://tienda.es/envio/{{1}}', example: ['https://tienda.es/envio/A-1'] });
    const back = fromMetaComponents(comps);
    expect(back).toMatchObject({ headerType: 'text', header: shipping.header, body: shipping.body, footer: shipping.footer, buttons: shipping.buttons });
    expect(back.variables.map((v) => [v.scope, v.position, v.example])).toEqual(shipping.variables.map((v) => [v.scope, v.position, v.example]));
  });

  it('a media header is submitted with the upload handle as its example', () => {
    const c = content({ encabezado_tipo: 'imagen', cuerpo: 'Oferta para ti, {{1}}.', ejemplo1: 'Ana' }, 'media/oferta.jpg');
    expect(toMetaComponents(c, '4::aGFuZGxl')[0]).toEqual({ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aGFuZGxl'] } });
  });
});

describe('versions diff', () => {
  it('lists each changed field before → after', () => {
    const a = { headerType: 'text', header: 'Hola', body: 'Uno {{1}} dos', footer: null, buttons: [] };
    const b = { ...a, body: 'Uno {{1}} tres', buttons: [{ type: 'quick_reply' as const, text: 'Sí', value: null }] };
    expect(diffVersions(a, b)).toEqual(['  cuerpo: «Uno {{1}} dos» → «Uno {{1}} tres»', '  botones: — → «quick_reply:Sí»']);
    expect(diffVersions(a, a)).toEqual([]);
  });
});

describe('category mapping', () => {
  it('marketing → MARKETING, the rest → UTILITY; back keeps a compatible local category', () => {
    expect(toMetaCategory('marketing')).toBe('MARKETING');
    expect(['transactional', 'support', 'notification'].map((c) => toMetaCategory(c as never))).toEqual(['UTILITY', 'UTILITY', 'UTILITY']);
    expect(fromMetaCategory('UTILITY', 'support')).toBe('support');
    expect(fromMetaCategory('MARKETING', 'support')).toBe('marketing');
    expect(fromMetaCategory('AUTHENTICATION')).toBe('notification');
    expect(fromMetaCategory('OTRA')).toBeNull();
  });
});

describe('Meta error codes', () => {
  it('maps codes to Spanish messages and retry decisions', () => {
    expect(classifyMetaError(400, { code: 130429 })).toMatchObject({ kind: 'rate_limit', transient: true });
    expect(classifyMetaError(400, { code: 80007 })).toMatchObject({ kind: 'rate_limit', transient: true });
    expect(classifyMetaError(400, { code: 131056 })).toMatchObject({ kind: 'rate_limit', transient: true });
    expect(classifyMetaError(400, { code: 4 })).toMatchObject({ kind: 'rate_limit', transient: true });
    expect(classifyMetaError(503, { code: 1 })).toMatchObject({ kind: 'unavailable', transient: true });
    expect(classifyMetaError(null, undefined, true)).toMatchObject({ kind: 'unavailable', transient: true });
    expect(classifyMetaError(401, { code: 190 })).toMatchObject({ kind: 'token', transient: false });
    expect(classifyMetaError(400, { code: 100, error_subcode: 2388024 })).toMatchObject({ kind: 'name_exists', transient: false });
    expect(classifyMetaError(400, { code: 100, error_data: { details: 'components[0] is invalid' } }).message).toContain('components[0] is invalid');
    expect(classifyMetaError(404, { code: 100 })).toMatchObject({ kind: 'not_found' });
    expect(classifyMetaError(400, { code: 132015 })).toMatchObject({ kind: 'paused' });
    expect(classifyMetaError(403, { code: 200 })).toMatchObject({ kind: 'permission' });
  });
});

describe('variables named like Object.prototype members', () => {
  it('are not filled from prototype lookups: a missing value is reported, a given one is used', () => {
    const c = content({ cuerpo: 'Hola {{constructor}}, bienvenido.', ejemplo_constructor: 'Ana' });
    expect(() => renderTemplate({ name: 'x', content: c, client: { nombre: 'Eva' } })).toThrow(/Faltan valores obligatorios para enviar «x»: \{\{1\}\} \(constructor\)/);
    expect(renderTemplate({ content: c, values: { constructor: 'Ana' } }).text).toBe('Hola Ana, bienvenido.');
  });
});

describe('media header URLs', () => {
  it('only https URLs to public hosts are fetched', () => {
    expect(() => assertPublicUrl('https://cdn.tienda.es/oferta.jpg')).not.toThrow();
    expect(() => assertPublicUrl('https://fdtienda.es/a.jpg')).not.toThrow();
    for (const bad of ['http://cdn.tienda.es/a.jpg', 'https://localhost/a.jpg', 'https://127.0.0.1:8080/a.jpg', 'https://10.1.2.3/a.jpg', 'https://192.168.1.5/a.jpg', 'https://169.254.169.254/latest', 'https://[::1]/a.jpg', 'https://[fd00::1]/a.jpg']) {
      expect(() => assertPublicUrl(bad), bad).toThrow(/debe ser https y pública/);
    }
  });

  it('a header URL that cannot be downloaded is a clear error naming it, not an internal one', async () => {
    const media = createHeaderMedia({ STORAGE_DIR: '/nonexistent', MEDIA_MAX_BYTES: 1_000_000 });
    const notFound = new AxiosError('Request failed with status code 404', 'ERR_BAD_REQUEST', undefined, undefined, { status: 404 } as never);
    const get = vi.spyOn(axios, 'get').mockRejectedValueOnce(notFound).mockRejectedValueOnce(new AxiosError('redirect', 'ERR_FR_TOO_MANY_REDIRECTS'));
    try {
      await expect(media.read('https://cdn.tienda.es/borrada.jpg')).rejects.toMatchObject({ code: 'TEMPLATE_MEDIA', message: expect.stringContaining('No he podido descargar el archivo de encabezado «https://cdn.tienda.es/borrada.jpg» (HTTP 404)') });
      await expect(media.read('https://cdn.tienda.es/movida.jpg')).rejects.toMatchObject({ message: expect.stringContaining('(ERR_FR_TOO_MANY_REDIRECTS)') });
    } finally {
      get.mockRestore();
    }
  });
});
