import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../../config.ts';
import { AppError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { formatWait } from '../../shared/i18n/wait.ts';

/**
 * Hardening for the whole sidecar: security headers (helmet), CORS only when CORS_ORIGINS is set,
 * and per-IP rate limits scoped to the routes attackers hammer: /api/auth/* (password guessing)
 * and /webhooks/* (floods). Scoping is by URL prefix in an onRoute hook registered before the
 * rate-limit plugin, so routes registered later by any plugin (auth, webhooks) are covered.
 * Installed on the root instance (not encapsulated) before every route.
 */

export interface RateLimitRule {
  prefix: string;
  max: number;
  timeWindowMs: number;
  groupId: string;
}

export function rateLimitRules(config: Pick<Config, 'AUTH_RATE_LIMIT' | 'WEBHOOK_RATE_LIMIT'>): RateLimitRule[] {
  const rules: RateLimitRule[] = [];
  if (config.AUTH_RATE_LIMIT > 0) rules.push({ prefix: '/api/auth/', max: config.AUTH_RATE_LIMIT, timeWindowMs: 60_000, groupId: 'auth' });
  if (config.WEBHOOK_RATE_LIMIT > 0) rules.push({ prefix: '/webhooks/', max: config.WEBHOOK_RATE_LIMIT, timeWindowMs: 60_000, groupId: 'webhooks' });
  return rules;
}

export function parseCorsOrigins(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export async function installSecurity(app: FastifyInstance, config: Config): Promise<void> {
  const rules = rateLimitRules(config);
  app.addHook('onRoute', (route) => {
    const rule = rules.find((r) => route.url.startsWith(r.prefix));
    if (!rule || route.config?.rateLimit !== undefined) return;
    route.config = { ...(route.config ?? {}), rateLimit: { max: rule.max, timeWindow: rule.timeWindowMs, groupId: rule.groupId } } as typeof route.config;
  });
  await app.register(rateLimit, {
    global: false,
    keyGenerator: (req) => req.ip,
    errorResponseBuilder: (_req, ctx) => {
      // ctx.after is English ("7 seconds"); the wait is said in Spanish from the milliseconds left.
      const err = new AppError('RATE_LIMITED', t('http.rate_limited', { after: formatWait(ctx.ttl) }), 429);
      return err as unknown as object;
    },
  });

  await app.register(helmet, {
    // Swagger UI (/docs) sets its own, stricter-per-page CSP; the API answers JSON only.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", 'https:', "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        // Plain http on a private address is the usual deployment; do not force https.
        upgradeInsecureRequests: null,
      },
    },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });

  const origins = parseCorsOrigins(config.CORS_ORIGINS);
  if (origins.length) {
    await app.register(cors, { origin: origins.includes('*') ? true : origins, credentials: !origins.includes('*') });
  }
}
