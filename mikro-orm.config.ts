import { loadConfig } from './src/config.ts';
import { buildOrmOptions } from './src/db/orm.ts';

// Used by tooling that expects a config file; the app builds the same options in src/db/orm.ts.
export default buildOrmOptions(loadConfig());
