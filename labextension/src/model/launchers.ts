/**
 * Launchers (`jupyter track glue slurm|k8s`) as the panels show them: a launcher is a worker
 * whose heartbeat stats list its jobs, and a task it submitted carries `runtime.glue` (the
 * scheduler, the job id, and at the end the job's phase). Pure: no DOM, no requests.
 */

export interface ILauncherJob {
  task: string;
  job: string;
  phase: string;
  detail: string;
}

export interface ILauncherSummary {
  kind: string;
  running: number;
  pending: number;
  maxJobs: number | null;
  jobs: ILauncherJob[];
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** The launcher a worker is, from its stats; null for an agent daemon. */
export function launcherOf(stats: Record<string, unknown> | null | undefined): ILauncherSummary | null {
  const kind = text(stats?.launcher);
  if (!stats || !kind) {
    return null;
  }
  const listed = Array.isArray(stats.jobs) ? stats.jobs : [];
  const jobs = listed
    .filter((j): j is Record<string, unknown> => !!j && typeof j === 'object')
    .map(j => ({ task: text(j.task), job: text(j.job), phase: text(j.phase), detail: text(j.detail) }))
    .filter(j => j.task && j.job);
  const maxJobs = typeof stats.max_jobs === 'number' ? stats.max_jobs : null;
  return { kind, running: num(stats.jobs_running), pending: num(stats.jobs_pending), maxJobs, jobs };
}

/** A launcher's badge: running while any of its jobs runs (the server calls it idle: it runs no task itself). */
export function launcherState(state: string, s: ILauncherSummary): string {
  if (state === 'lost') {
    return state;
  }
  return s.running > 0 ? 'running' : s.pending > 0 ? 'waiting' : state;
}

/** One line for a launcher: "3 running · 2 pending / 20". */
export function launcherLine(s: ILauncherSummary): string {
  const limit = s.maxJobs !== null ? ` / ${s.maxJobs}` : '';
  return `${s.kind}: ${s.running} running · ${s.pending} pending${limit}`;
}

/** The tooltip of a launcher: one line per job. */
export function launcherTitle(s: ILauncherSummary): string {
  return s.jobs
    .map(j => `${s.kind} job ${j.job} ${j.phase}${j.detail ? ` (${j.detail})` : ''} — task ${j.task}`)
    .join('\n');
}

export interface ITaskJob {
  scheduler: string;
  jobId: string;
  launcher: string;
  phase: string;
  detail: string;
}

/** The job a launcher ran a task as (`runtime.glue`), or null. */
export function taskJob(runtime: Record<string, unknown> | null | undefined): ITaskJob | null {
  const glue = runtime?.glue;
  if (!glue || typeof glue !== 'object') {
    return null;
  }
  const g = glue as Record<string, unknown>;
  const jobId = text(g.job_id);
  if (!jobId) {
    return null;
  }
  return {
    scheduler: text(g.scheduler) || 'job',
    jobId,
    launcher: text(g.launcher),
    phase: text(g.phase),
    detail: text(g.detail)
  };
}

/** "slurm job 12", with how it ended once it did: "slurm job 12 — timeout (TIMEOUT (TimeLimit))". */
export function taskJobLine(j: ITaskJob, live: boolean): string {
  const ended = !live && j.phase && j.phase !== 'pending' && j.phase !== 'running';
  return `${j.scheduler} job ${j.jobId}${ended ? ` — ${j.phase}${j.detail ? ` (${j.detail})` : ''}` : ''}`;
}
