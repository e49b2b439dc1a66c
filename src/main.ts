import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { bootCore, type App } from './app.ts';
import { buildServer } from './http/server.ts';
import { startLiveTransport } from './transport/index.ts';
import { startJobs } from './jobs/index.ts';

const SHUTDOWN_TIMEOUT_MS = 9_000;

/**
 * `mariadono start`: config → database (migrate + seeds) → HTTP sidecar → WhatsApp → jobs.
 * Returns the running app; `installSignalHandlers` wires SIGINT/SIGTERM to a graceful stop.
 */
export async function startApp(config: Config, logger: Logger): Promise<App> {
  const app = await bootCore(config, logger);
  try {
    const http = await buildServer({ config, logger, orm: app.orm, services: app.services });
    app.http = http;
    await http.listen({ port: config.HTTP_PORT, host: config.HTTP_HOST });
    app.onClose(() => http.close());
    logger.info({ module: 'http', port: config.HTTP_PORT, host: config.HTTP_HOST }, 'HTTP sidecar listening');
    if (config.jwtSecretEphemeral) {
      logger.warn({ module: 'http' }, 'JWT_SECRET is not set: API tokens are signed with a random secret of this process and stop working when it restarts (set JWT_SECRET, at least 32 characters)');
    }

    // Cloud API numbers (META_PHONE_NUMBER_ID) answer their customers through the same flows.
    if (app.services.meta.transports.length) {
      const { startCloudChannel } = await import('./transport/cloud/index.ts');
      const cloud = await startCloudChannel({ config, logger, clock: app.clock, services: app.services });
      app.onClose(() => cloud.stop());
      logger.info({ module: 'cloud', numbers: app.services.meta.transports.length }, 'Cloud API channel answering');
    }

    if (config.WHATSAPP_ENABLED) {
      const live = await startLiveTransport(app);
      if (live) {
        const remove = app.services.transports.add(live.transport);
        app.onClose(async () => {
          await live.stop();
          remove();
        });
      }
    } else {
      logger.info({ module: 'transport' }, 'WhatsApp disabled (WHATSAPP_ENABLED=false): sidecar only');
    }

    const running = startJobs({ config, logger, services: app.services });
    app.onClose(() => running.stop());
  } catch (err) {
    await app.close();
    throw err;
  }
  return app;
}

/**
 * Must run after the BuilderBot provider is constructed: its constructor removes every
 * SIGINT/SIGTERM listener and installs one that never exits.
 */
export function installSignalHandlers(app: App): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        app.logger.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('unhandledRejection', (err) => app.logger.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => app.logger.error({ err }, 'uncaught exception'));
}
