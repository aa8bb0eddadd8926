/** How times, durations and values read in tables. */

export function parseTime(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') {
    return null;
  }
  if (typeof value === 'number') {
    // Unix seconds (the store's unit) or milliseconds.
    return value < 1e12 ? value * 1000 : value;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export function formatDuration(ms: number | null): string {
  if (ms === null || ms < 0) {
    return '';
  }
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d) {
    return `${d}d ${h}h`;
  }
  if (h) {
    return `${h}h ${m}m`;
  }
  if (m) {
    return `${m}m ${sec}s`;
  }
  return `${sec}s`;
}

/** How long a task ran, or has been running. */
export function taskDuration(
  task: { started?: string | null; completed?: string | null; status?: string; last_update?: string | null },
  now: number = Date.now()
): number | null {
  const start = parseTime(task.started);
  if (start === null) {
    return null;
  }
  const end =
    parseTime(task.completed) ??
    (task.status === 'in_progress' || task.status === 'queued' ? now : parseTime(task.last_update));
  return end === null ? null : end - start;
}

export function formatTime(value: string | number | null | undefined): string {
  const ms = parseTime(value);
  if (ms === null) {
    return '';
  }
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatNumber(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      return String(value);
    }
    if (Number.isInteger(value)) {
      return String(value);
    }
    return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e6
      ? value.toPrecision(5).replace(/\.?0+$/, '')
      : value.toExponential(3);
  }
  if (value === null || value === undefined) {
    return '';
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined || n === null) {
    return '';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i ? v.toFixed(1) : v} ${units[i]}`;
}

/** "12s ago", "5m ago", "3h ago": how long since `value`. */
export function formatAgo(value: string | number | null | undefined, now: number = Date.now()): string {
  const ms = parseTime(value);
  if (ms === null) {
    return '';
  }
  return `${formatDuration(Math.max(0, now - ms))} ago`;
}
