import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Orm } from '../db/orm.ts';
import type { Clock } from './clock.ts';

/** What every service factory gets (src/services.ts wires them in dependency order). */
export interface ServiceDeps {
  config: Config;
  logger: Logger;
  orm: Orm;
  clock: Clock;
}
