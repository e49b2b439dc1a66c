import type { Config } from '../../config.ts';
import { withEm, type Orm } from '../../db/orm.ts';
import type { FilesService } from './files.service.ts';

/**
 * The files module's cron jobs, as data; `src/jobs/index.ts` registers them with every other
 * module's. Their state is in the database: expired rows are marked, and the last scheduled
 * backup is a `files.backup_run` audit row.
 */
export interface JobDef {
  name: string;
  cron: string;
  run(): Promise<void>;
}

export function filesJobs(deps: { config: Config; orm: Orm; files: FilesService }): JobDef[] {
  const jobs: JobDef[] = [
    { name: 'files.retention', cron: deps.config.RETENTION_CRON, run: async () => void (await withEm(deps.orm, (em) => deps.files.applyRetention(em))) },
  ];
  if (deps.config.BACKUP_CRON) {
    jobs.push({ name: 'files.backup', cron: deps.config.BACKUP_CRON, run: async () => void (await withEm(deps.orm, (em) => deps.files.backupActiveClients(em))) });
  }
  return jobs;
}
