import { launcherLine, launcherOf, launcherState, launcherTitle, taskJob, taskJobLine } from '../model/launchers';

describe('launchers', () => {
  it('reads a launcher from its heartbeat stats, and nothing from an agent daemon', () => {
    const stats = {
      launcher: 'slurm',
      max_jobs: 20,
      jobs_running: 1,
      jobs_pending: 1,
      jobs: [
        { task: 'a'.repeat(32), job: '12', phase: 'running', detail: 'RUNNING' },
        { task: 'b'.repeat(32), job: '13', phase: 'pending', detail: 'PENDING (Resources)' },
        { task: '', job: '14' },
        'junk'
      ]
    };
    const s = launcherOf(stats);
    expect(s).not.toBeNull();
    expect(s?.jobs.map(j => j.job)).toEqual(['12', '13']);
    expect(launcherLine(s!)).toBe('slurm: 1 running · 1 pending / 20');
    expect(launcherTitle(s!).split('\n')[1]).toBe(
      `slurm job 13 pending (PENDING (Resources)) — task ${'b'.repeat(32)}`
    );
    expect(launcherState('idle', s!)).toBe('running');
    expect(launcherState('lost', s!)).toBe('lost');
    expect(launcherState('idle', { ...s!, running: 0 })).toBe('waiting');
    expect(launcherState('idle', { ...s!, running: 0, pending: 0 })).toBe('idle');
    expect(launcherOf({ cpu_percent: 12 })).toBeNull();
    expect(launcherOf(null)).toBeNull();
  });

  it("reads the task's job from runtime.glue and says how it ended", () => {
    const live = taskJob({ glue: { scheduler: 'slurm', job_id: '12', launcher: 'h:glue', phase: 'pending' } });
    expect(live && taskJobLine(live, true)).toBe('slurm job 12');
    const ended = taskJob({
      glue: { scheduler: 'k8s', job_id: 'track-x', phase: 'out_of_memory', detail: 'OOMKilled' }
    });
    expect(ended && taskJobLine(ended, false)).toBe('k8s job track-x — out_of_memory (OOMKilled)');
    expect(taskJob({ glue: { scheduler: 'slurm', job_name: 'track-x' } })).toBeNull(); // not submitted yet
    expect(taskJob({ process: { pid: 1 } })).toBeNull();
    expect(taskJob(undefined)).toBeNull();
  });
});
