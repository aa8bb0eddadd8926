/**
 * Shapes of the REST API's JSON (`{base_url}track/api/v1/...`).
 *
 * Fields the UI does not rely on are left open (`[key: string]: unknown`) so a server that adds
 * fields never breaks the build; times are ISO-8601 strings in UTC.
 */

export interface IList<T> {
  items: T[];
  total: number;
}

export interface IProject {
  id: string;
  name: string;
  path: string;
  parent: string | null;
  description?: string;
  basename?: string;
  /** Number of tasks directly in this project. */
  tasks?: number;
  /** Internal projects (a dataset's `.datasets/<name>`): not shown in the tree. */
  hidden?: boolean;
  [key: string]: unknown;
}

export type TaskStatus =
  | 'created'
  | 'queued'
  | 'in_progress'
  | 'stopped'
  | 'completed'
  | 'failed'
  | 'publishing'
  | 'published'
  | 'closed';

export const STATUSES: TaskStatus[] = [
  'created',
  'queued',
  'in_progress',
  'stopped',
  'completed',
  'failed',
  'publishing',
  'published',
  'closed'
];

/** The words ClearML's UI shows for each status (the same table as core/status.py). */
export const STATUS_LABELS: Record<string, string> = {
  created: 'Draft',
  queued: 'Pending',
  in_progress: 'Running',
  stopped: 'Aborted',
  completed: 'Completed',
  failed: 'Failed',
  publishing: 'Publishing',
  published: 'Published',
  closed: 'Closed'
};

export const TASK_TYPES = [
  'training',
  'testing',
  'inference',
  'data_processing',
  'application',
  'monitor',
  'controller',
  'optimizer',
  'service',
  'qc',
  'custom'
];

export interface ITaskSummary {
  id: string;
  name: string;
  type: string;
  status: TaskStatus | string;
  project?: string;
  project_id?: string;
  project_name?: string;
  tags: string[];
  system_tags?: string[];
  user: string;
  created?: string | null;
  started?: string | null;
  completed?: string | null;
  last_update?: string | null;
  last_iteration?: number;
  archived?: boolean;
  parent_id?: string | null;
  /** Values of the `columns=` the table asked for, keyed by the column's name. */
  columns?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ITask extends ITaskSummary {
  comment?: string;
  status_message?: string;
  status_reason?: string;
  script?: IScript;
  runtime?: Record<string, unknown>;
  output_uri?: string | null;
  /** The queue it was last sent to, and the worker that runs (or ran) it. */
  queue?: string | null;
  worker?: string | null;
}

export interface IScript {
  repository?: string;
  branch?: string;
  version_num?: string;
  entry_point?: string;
  working_dir?: string;
  diff?: string;
  requirements?: Record<string, unknown> | string;
  binary?: string;
  [key: string]: unknown;
}

export interface IParam {
  section: string;
  name: string;
  value: unknown;
  type?: string;
  description?: string;
}

export interface IConfiguration {
  name: string;
  type?: string;
  text: string;
  description?: string;
}

export interface ISeries {
  title: string;
  series: string;
  x: number[];
  y: (number | null)[];
  /** Present when the server downsampled: the number of points stored. */
  count?: number;
  [key: string]: unknown;
}

export interface IScalars {
  x_axis?: string;
  series: ISeries[];
  [key: string]: unknown;
}

export interface IMetricSummary {
  title: string;
  series: string;
  count?: number;
  last_value?: number | null;
  min_value?: number | null;
  max_value?: number | null;
  last_iter?: number | null;
  [key: string]: unknown;
}

export interface ISingleValue {
  name: string;
  value: number | null;
  [key: string]: unknown;
}

export interface IPlot {
  title: string;
  series: string;
  iteration: number;
  /** Plotly JSON: `{data, layout}`. */
  figure?: { data?: unknown[]; layout?: Record<string, unknown> };
  plot?: { data?: unknown[]; layout?: Record<string, unknown> };
  [key: string]: unknown;
}

export interface IDebugSample {
  title: string;
  series: string;
  iteration: number;
  url?: string | null;
  sha256?: string;
  blob_sha256?: string | null;
  content_type?: string;
  [key: string]: unknown;
}

export interface IConsoleLine {
  text?: string;
  line?: string;
  level?: string;
  time?: string | number;
  [key: string]: unknown;
}

export interface IArtifact {
  name: string;
  type?: string;
  mode?: string;
  uri?: string;
  url?: string | null;
  sha256?: string;
  blob_sha256?: string | null;
  file_name?: string;
  size?: number;
  content_type?: string;
  preview?: string;
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface IModel {
  id: string;
  name: string;
  framework?: string;
  project?: string;
  project_name?: string;
  task_id?: string;
  tags?: string[];
  published?: boolean;
  created?: string;
  uri?: string;
  url?: string;
  /** In a task's model list: `input` or `output`. */
  role?: string;
  comment?: string;
  /** The model it was trained from (lineage). */
  parent_id?: string | null;
  /** Class label -> id. */
  labels?: Record<string, number>;
  /** The network's design / configuration text. */
  design?: string;
  metadata?: Record<string, IModelMetadataEntry>;
  archived?: boolean;
  latest_version?: number;
  user?: string;
  last_update?: string;
  /** `GET models/{id}`: the version shown (0: no weights yet) and its weights. */
  version?: number;
  weights?: IModelVersion | null;
  [key: string]: unknown;
}

/** One typed metadata entry of a model (`"0.93"` stays a string, `0.93` a float). */
export interface IModelMetadataEntry {
  type?: string;
  value: unknown;
}

/** One version of a model's weights: stored bytes (`blob_sha256` at `location`) or a `url`. */
export interface IModelVersion {
  model_id?: string;
  version: number;
  location?: string;
  blob_sha256?: string | null;
  url?: string | null;
  file_name?: string;
  size?: number;
  is_package?: boolean;
  iteration?: number | null;
  created?: string;
  [key: string]: unknown;
}

/** `GET models/{id}/metrics`: the model's own reported metrics (not its task's). */
export interface IModelMetrics {
  scalars: IModelScalar[];
  single_values: { name: string; value: number }[];
}

export interface IModelScalar {
  title: string;
  series: string;
  iterations: number[];
  values: number[];
}

export interface IDataset {
  id: string;
  name: string;
  project?: string;
  project_name?: string;
  version?: string;
  parents?: string[];
  status?: string;
  tags?: string[];
  file_count?: number;
  total_size?: number;
  created?: string;
  [key: string]: unknown;
}

export interface IDatasetFile {
  path: string;
  size?: number;
  sha256?: string;
  [key: string]: unknown;
}

export interface IDatasetDiff {
  added: (IDatasetFile | string)[];
  removed: (IDatasetFile | string)[];
  modified: (IDatasetFile | string)[];
  [key: string]: unknown;
}

/** One message of the server's change feed. */
export interface IChange {
  kind: string;
  id?: string;
  fields?: string[];
  [key: string]: unknown;
}

/** One task waiting in a queue, in the queue's order. */
export interface IQueueEntry {
  task_id: string;
  name?: string;
  project?: string;
  project_name?: string;
  status?: string;
  /** When it was queued (ISO-8601 or unix seconds). */
  added?: string | number | null;
  position?: number;
  [key: string]: unknown;
}

export interface IQueue {
  id: string;
  name: string;
  tags?: string[];
  entries: IQueueEntry[];
  /** Number of entries (may exceed `entries.length` when the server truncates). */
  count?: number;
  num_entries?: number;
  /** Ids of the workers that listen to this queue. */
  workers?: string[];
  created?: string | number | null;
  [key: string]: unknown;
}

export type WorkerState = 'idle' | 'running' | 'lost';

export interface IWorker {
  id: string;
  queues: string[];
  state: WorkerState | string;
  /** The task it runs: `{id, name}`, or null while idle. */
  task?: { id: string; name?: string } | null;
  last_seen?: string | number | null;
  info?: Record<string, unknown>;
  stats?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A pipeline run: its controller task's fields and how many steps are in each status. */
export interface IPipelineRun extends ITaskSummary {
  /** How many steps (or, from some servers, the counts by status). */
  steps?: number | Record<string, number>;
  /** How many steps show each status. */
  step_status?: Record<string, number>;
  steps_total?: number;
  steps_done?: number;
}

export interface IPipelineNode {
  name: string;
  parents?: string[];
  task_id?: string | null;
  base_task_id?: string | null;
  status?: string | null;
  queue?: string | null;
  kind?: string;
  started?: string | number | null;
  completed?: string | number | null;
  last_update?: string | number | null;
  /** Seconds it ran (or has been running when read). */
  duration?: number | null;
  [key: string]: unknown;
}

export interface IPipeline {
  task: ITask;
  nodes: IPipelineNode[];
  /** `[parent, child]` node names. */
  edges: [string, string][];
}
