/**
 * The shapes the views use. Rows of the REST API (`{base_url}track/api/v1/...`) are the types
 * generated from its OpenAPI document (`types.ts`, `npm run gen:api`; never edited by hand);
 * what is written here is what the document leaves free-form (scalars, plots, console, the
 * change feed), the views' own additions, and the status words. Times are ISO-8601 strings in UTC.
 */

import type { components } from './types';

/** The named schemas of the OpenAPI document. */
export type Schemas = components['schemas'];

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
  'created' | 'queued' | 'in_progress' | 'stopped' | 'completed' | 'failed' | 'publishing' | 'published' | 'closed';

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

/** A hyperparameter with its type. */
export type IParam = Schemas['ParamRow'];

export type IConfiguration = Schemas['ConfigRow'];

/** The body that sets one configuration object, with the name its path carries. */
export type IConfigurationPut = Schemas['ConfigurationPut'] & { name: string };

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

/** A task's artifact; `sha256` is `blob_sha256` under the name the views read (normalize.ts). */
export type IArtifact = Schemas['ArtifactRow'] & { sha256?: string };

/** A registered model; `role` (`input` or `output`) in a task's model list (normalize.ts). */
export type IModel = Schemas['ModelRow'] & { role?: string };

/** One typed metadata entry of a model (`"0.93"` stays a string, `0.93` a float). */
export interface IModelMetadataEntry {
  type?: string;
  value: unknown;
}

/** One version of a model's weights: stored bytes (`blob_sha256` at `location`) or a `url`. */
export type IModelVersion = Schemas['ModelVersionRow'];

/** `GET models/{id}/metrics`: the model's own reported metrics (not its task's). */
/** `GET models/{id}/metrics`: the model's own reported metrics (not its task's). */
export type IModelMetrics = Schemas['ModelMetrics'];

export type IModelScalar = Schemas['ModelScalar'];

export type IDataset = Schemas['DatasetVersionRow'];

export type IDatasetFile = Schemas['DatasetFileRow'];

/** Paths a version added, removed and holds with other bytes. */
export type IDatasetDiff = Schemas['PathDiff'];

/** One message of the server's change feed. */
export interface IChange {
  kind: string;
  id?: string;
  fields?: string[];
  [key: string]: unknown;
}

/** One task waiting in a queue, in the queue's order. */
export type IQueueEntry = Schemas['QueueEntryRow'];

/** A queue; `count` is how many tasks wait in it (set by the queue model from `num_entries`). */
export type IQueue = Schemas['QueueRow'] & { count?: number };

export type WorkerState = 'idle' | 'running' | 'lost';

export type IWorker = Schemas['WorkerRow'];

/** A pipeline run: its controller task's fields and how many steps are in each status. */
export type IPipelineRun = Schemas['PipelineRunRow'];

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
