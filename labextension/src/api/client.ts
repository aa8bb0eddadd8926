import type {
  IArtifact,
  IConfiguration,
  IConfigurationPut,
  IConsoleLine,
  IDataset,
  IDatasetDiff,
  IDatasetFile,
  IDebugSample,
  IList,
  IMetricSummary,
  IModel,
  IModelMetrics,
  IModelVersion,
  IParam,
  IPipeline,
  IPipelineRun,
  IPlot,
  IProject,
  IQueue,
  ISeries,
  ISingleValue,
  ITask,
  ITaskSummary,
  IWorker,
  Schemas
} from './shapes';
import type { Query, Transport } from './transport';
import {
  artifactOut,
  metricList,
  plotOut,
  projectOut,
  sampleOut,
  seriesList,
  singleValueList,
  taskModelList
} from './normalize';

export interface ITaskQuery {
  /** Project path ("Team/Project"); subprojects' tasks are included. */
  project?: string;
  status?: string[];
  type?: string[];
  tag?: string[];
  search?: string;
  /** 'false' hides archived tasks, 'only' shows only them, 'true' both. */
  archived?: 'true' | 'false' | 'only';
  /** Owners ("me": the caller, as the server knows them). */
  user?: string[];
  /** `<column>=<low>..<high>` filters. */
  range?: string[];
  /** false: leave out dataset versions' and pipeline steps' tasks. */
  parts?: boolean;
  order_by?: string;
  limit?: number;
  offset?: number;
  columns?: string[];
}

export type IStatusCounts = Schemas['StatusCounts'];
export type ITableColumns = Schemas['TableColumns'];
export type ISearchResults = Schemas['SearchResults'];

export interface IScalarQuery {
  max_points?: number;
  x_axis?: 'iter' | 'timestamp';
  /** `title/series` names; all when absent. */
  series?: string[];
  /** A zoomed window (the server may ignore it and send the whole range). */
  x_min?: number;
  x_max?: number;
}

/** Items of a list answer, whether the server sends `{items}` or a bare array. */
export function itemsOf<T>(answer: IList<T> | T[] | { [key: string]: unknown }, key?: string): T[] {
  if (Array.isArray(answer)) {
    return answer;
  }
  const items = (answer as IList<T>).items ?? (key ? (answer as Record<string, T[]>)[key] : undefined);
  return Array.isArray(items) ? items : [];
}

/** Typed calls of the REST API; one method per route, nothing else. */
export class TrackClient {
  constructor(readonly request: Transport) {}

  // projects
  async projects(): Promise<IProject[]> {
    return itemsOf(await this.request<IList<IProject>>('projects')).map(projectOut);
  }
  createProject(name: string): Promise<IProject> {
    return this.request('projects', { method: 'POST', body: { name } });
  }
  /** Rename (`name`: the last path part) and/or move (`parent`: a project path, null = top level). */
  updateProject(id: string, change: { name?: string; parent?: string | null }): Promise<IProject> {
    return this.request(`projects/${enc(id)}`, { method: 'PATCH', body: change });
  }
  describeProject(id: string, description: string): Promise<IProject> {
    return this.request(`projects/${enc(id)}`, { method: 'PATCH', body: { description } });
  }
  deleteProject(id: string): Promise<unknown> {
    return this.request(`projects/${enc(id)}`, { method: 'DELETE' });
  }

  // teams: users and who may see a project
  users(): Promise<Schemas['User'][]> {
    return this.request<IList<Schemas['User']>>('users').then(r => itemsOf(r));
  }
  projectAccess(id: string): Promise<Schemas['Grant'][]> {
    return this.request<IList<Schemas['Grant']>>(`projects/${enc(id)}/access`).then(r => itemsOf(r));
  }
  /** Give `principal` (user:NAME or group:NAME) a role on the project's subtree; `null` takes it away. */
  share(id: string, principal: string, role: Schemas['AccessPut']['role']): Promise<Schemas['Grant'][]> {
    return this.request<IList<Schemas['Grant']>>(`projects/${enc(id)}/access`, {
      method: 'PUT',
      body: { principal, role }
    }).then(r => itemsOf(r));
  }

  // tasks
  tasks(query: ITaskQuery): Promise<IList<ITaskSummary>> {
    return this.request('tasks', { query: query as Query });
  }
  statusCounts(query: ITaskQuery): Promise<IStatusCounts> {
    return this.request('tasks/counts', { query: query as Query });
  }
  /** The metrics and parameters the tasks matching the query report (a column picker's choices). */
  taskColumns(query: ITaskQuery): Promise<ITableColumns> {
    return this.request('tasks/columns', { query: query as Query });
  }
  search(q: string, limit = 8): Promise<ISearchResults> {
    return this.request('search', { query: { q, limit } });
  }
  task(id: string): Promise<ITask> {
    return this.request(`tasks/${enc(id)}`);
  }
  updateTask(id: string, change: Partial<ITask>): Promise<ITask> {
    return this.request(`tasks/${enc(id)}`, { method: 'PATCH', body: change });
  }
  deleteTask(id: string): Promise<unknown> {
    return this.request(`tasks/${enc(id)}`, { method: 'DELETE' });
  }
  clone(id: string, body: { name?: string; project?: string } = {}): Promise<ITask> {
    return this.request(`tasks/${enc(id)}/clone`, { method: 'POST', body });
  }
  action(id: string, action: 'reset' | 'publish' | 'archive' | 'unarchive'): Promise<ITask> {
    return this.request(`tasks/${enc(id)}/${action}`, { method: 'POST', body: {} });
  }
  move(id: string, project: string): Promise<ITask> {
    return this.request(`tasks/${enc(id)}/move`, { method: 'POST', body: { project } });
  }
  setStatus(id: string, status: string, force = false): Promise<ITask> {
    return this.request(`tasks/${enc(id)}/status`, { method: 'POST', body: { status, force } });
  }
  async parameters(id: string): Promise<IParam[]> {
    return itemsOf(await this.request(`tasks/${enc(id)}/parameters`), 'parameters');
  }
  /** Set hyperparameters (drafts only); `replace` drops those not given (a deletion). */
  setParameters(id: string, params: IParam[], replace = false): Promise<unknown> {
    return this.request(`tasks/${enc(id)}/parameters`, {
      method: 'PUT',
      body: replace ? { parameters: params, replace } : { parameters: params }
    });
  }
  async configurations(id: string): Promise<IConfiguration[]> {
    return itemsOf(await this.request(`tasks/${enc(id)}/configurations`), 'configurations');
  }
  setConfiguration(id: string, config: IConfigurationPut): Promise<unknown> {
    return this.request(`tasks/${enc(id)}/configurations/${enc(config.name)}`, { method: 'PUT', body: config });
  }
  async scalars(id: string, query: IScalarQuery = {}): Promise<ISeries[]> {
    // Series names may hold commas: repeat the parameter instead of joining.
    const { series, ...rest } = query;
    const extra = (series ?? []).map(s => `series=${encodeURIComponent(s)}`).join('&');
    const path = `tasks/${enc(id)}/scalars` + (extra ? `?${extra}` : '');
    return seriesList(await this.request(path, { query: rest as Query }));
  }
  /** Series of several tasks, keyed by task id. */
  async compareScalars(
    ids: string[],
    query: { max_points?: number; metrics?: string[]; x_axis?: 'iter' | 'timestamp' } = {}
  ): Promise<Record<string, ISeries[]>> {
    // Metric names may hold commas: repeat the parameter instead of joining.
    const { metrics, ...rest } = query;
    const extra = (metrics ?? []).map(m => `metrics=${encodeURIComponent(m)}`).join('&');
    const answer = await this.request<{ tasks?: Record<string, unknown> }>('scalars' + (extra ? `?${extra}` : ''), {
      query: { ...rest, tasks: ids } as Query
    });
    const out: Record<string, ISeries[]> = {};
    for (const [task, data] of Object.entries(answer.tasks ?? {})) {
      out[task] = seriesList(data as never);
    }
    return out;
  }
  async lastMetrics(id: string): Promise<IMetricSummary[]> {
    return metricList(await this.request(`tasks/${enc(id)}/metrics/last`));
  }
  async singleValues(id: string): Promise<ISingleValue[]> {
    return singleValueList(await this.request(`tasks/${enc(id)}/single-values`));
  }
  async plots(id: string): Promise<IPlot[]> {
    return itemsOf<IPlot>(await this.request(`tasks/${enc(id)}/plots`)).map(plotOut);
  }
  async debugSamples(id: string, title?: string, series?: string): Promise<IDebugSample[]> {
    return itemsOf<IDebugSample>(
      await this.request(`tasks/${enc(id)}/debug-samples`, { query: { title, series } })
    ).map(sampleOut);
  }
  async console(id: string, tail = 1000, search?: string): Promise<IConsoleLine[]> {
    return itemsOf(await this.request(`tasks/${enc(id)}/console`, { query: { tail, search } }), 'lines');
  }
  async artifacts(id: string): Promise<IArtifact[]> {
    return itemsOf<IArtifact>(await this.request(`tasks/${enc(id)}/artifacts`)).map(artifactOut);
  }
  async taskModels(id: string): Promise<IModel[]> {
    return taskModelList(await this.request(`tasks/${enc(id)}/models`));
  }
  blobText(sha256: string): Promise<string> {
    return this.request(`blobs/${enc(sha256)}`, { raw: true });
  }

  // models and datasets
  models(query: { project?: string; tag?: string; framework?: string; limit?: number } = {}): Promise<IList<IModel>> {
    return this.request('models', { query: query as Query });
  }
  model(id: string): Promise<IModel> {
    return this.request(`models/${enc(id)}`);
  }
  /** Rename, describe, tag (the server refuses what a published model keeps final). */
  updateModel(id: string, change: { name?: string; comment?: string; tags?: string[] }): Promise<IModel> {
    return this.request(`models/${enc(id)}`, { method: 'PATCH', body: change });
  }
  publishModel(id: string): Promise<IModel> {
    return this.request(`models/${enc(id)}/publish`, { method: 'POST', body: {} });
  }
  archiveModel(id: string, archived: boolean): Promise<IModel> {
    return this.request(`models/${enc(id)}/archive`, { method: 'POST', body: { archived } });
  }
  deleteModel(id: string, force = false): Promise<unknown> {
    return this.request(`models/${enc(id)}`, { method: 'DELETE', query: { force: force || undefined } });
  }
  /** Typed metadata; `replace` drops the keys not given (a deletion). */
  setModelMetadata(id: string, items: Record<string, unknown>, replace = false): Promise<IModel> {
    return this.request(`models/${enc(id)}/metadata`, { method: 'PUT', body: { items, replace } });
  }
  /** Every version of a model's weights, oldest first. */
  async modelVersions(id: string): Promise<IModelVersion[]> {
    return itemsOf<IModelVersion>(await this.request(`models/${enc(id)}/versions`));
  }
  /** The model's own metrics (`OutputModel.report_scalar` / `report_single_value`). */
  async modelMetrics(id: string): Promise<IModelMetrics> {
    const answer = await this.request<Partial<IModelMetrics>>(`models/${enc(id)}/metrics`);
    return { scalars: answer?.scalars ?? [], single_values: answer?.single_values ?? [], plots: answer?.plots ?? [] };
  }
  datasets(query: { project?: string; name?: string; tag?: string; limit?: number } = {}): Promise<IList<IDataset>> {
    return this.request('datasets', { query: query as Query });
  }
  dataset(id: string): Promise<IDataset> {
    return this.request(`datasets/${enc(id)}`);
  }
  async datasetFiles(id: string): Promise<IDatasetFile[]> {
    return itemsOf(await this.request(`datasets/${enc(id)}/files`), 'files');
  }
  datasetDiff(a: string, b: string): Promise<IDatasetDiff> {
    return this.request(`datasets/${enc(a)}/diff/${enc(b)}`);
  }

  // queues and workers
  async queues(): Promise<IQueue[]> {
    return itemsOf<IQueue>(await this.request('queues'));
  }
  createQueue(name: string, tags: string[] = []): Promise<IQueue> {
    return this.request('queues', { method: 'POST', body: { name, tags } });
  }
  deleteQueue(nameOrId: string, force = false): Promise<unknown> {
    return this.request(`queues/${enc(nameOrId)}`, { method: 'DELETE', query: { force: force || undefined } });
  }
  /** Move a queued task within its queue (`top`, `bottom` or an index), or into `queue`. */
  moveEntry(queue: string, taskId: string, position: 'top' | 'bottom' | number, toQueue?: string): Promise<IQueue> {
    return this.request(`queues/${enc(queue)}/entries/${enc(taskId)}/move`, {
      method: 'POST',
      body: toQueue ? { position, queue: toQueue } : { position }
    });
  }
  enqueue(taskId: string, queue?: string): Promise<ITask> {
    return this.request(`tasks/${enc(taskId)}/enqueue`, { method: 'POST', body: queue ? { queue } : {} });
  }
  dequeue(taskId: string): Promise<ITask> {
    return this.request(`tasks/${enc(taskId)}/dequeue`, { method: 'POST', body: {} });
  }
  abort(taskId: string): Promise<ITask> {
    return this.request(`tasks/${enc(taskId)}/abort`, { method: 'POST', body: {} });
  }
  async workers(): Promise<IWorker[]> {
    return itemsOf<IWorker>(await this.request('workers'));
  }

  // pipelines
  async pipelines(
    query: { project?: string; status?: string; limit?: number; offset?: number } = {}
  ): Promise<IPipelineRun[]> {
    return itemsOf<IPipelineRun>(await this.request('pipelines', { query: query as Query }));
  }
  pipeline(taskId: string): Promise<IPipeline> {
    return this.request(`pipelines/${enc(taskId)}`);
  }
}

function enc(part: string): string {
  return encodeURIComponent(part);
}
