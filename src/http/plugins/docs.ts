import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/**
 * OpenAPI 3 document generated from the route schemas (every route declares them), served as
 * Swagger UI at /docs and JSON at /docs/json. Installed on the root before any route, because
 * @fastify/swagger collects routes as they are registered.
 */
export async function installDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'MarIADono API',
        description: 'Sidecar HTTP de MarIADono: webhooks de Meta, API de administración (JWT + permisos), descargas, salud y métricas.',
        version: '0.1.0',
      },
      tags: [
        { name: 'auth', description: 'Inicio de sesión (JWT)' },
        { name: 'webhooks', description: 'WhatsApp Cloud API (Meta)' },
        { name: 'campaigns', description: 'Campañas' },
        { name: 'templates', description: 'Plantillas de mensaje' },
        { name: 'segments', description: 'Segmentos de clientes' },
        { name: 'clients', description: 'Clientes y sus archivos' },
        { name: 'reports', description: 'Informes' },
        { name: 'orders', description: 'Pedidos' },
        { name: 'ops', description: 'Salud y métricas' },
      ],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    // Shared schemas registered with addSchema ($id ApiError) become components, referenced by name.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // The sidecar usually serves plain http on a private address: `upgrade-insecure-requests`
    // would make the browser fetch the UI's assets over https and show a blank page.
    transformStaticCSP: (header) => header.replace(/\s*upgrade-insecure-requests;?/g, ''),
    uiConfig: { docExpansion: 'list', deepLinking: false },
  });
}
