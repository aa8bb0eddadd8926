/**
 * Whole rows of the generated API types for the specs: a spec names the fields it is about,
 * the rest take plain defaults (every row field is required in the OpenAPI document).
 */

import type {
  IArtifact,
  IModel,
  IModelVersion,
  IPipelineRun,
  IQueue,
  IQueueEntry,
  ITask,
  Schemas
} from '../api/shapes';

const WHEN = '2026-01-01T00:00:00+00:00';

export function taskRow(fields: Partial<Schemas['TaskRow']> = {}): Schemas['TaskRow'] & ITask {
  return {
    id: 't',
    project_id: 'p',
    project_name: 'P',
    name: 't',
    type: 'training',
    status: 'created',
    status_message: '',
    status_reason: '',
    comment: '',
    parent_id: null,
    user: 'u',
    created: WHEN,
    started: null,
    completed: null,
    last_update: WHEN,
    last_iteration: 0,
    archived: false,
    tags: [],
    system_tags: [],
    script: {},
    runtime: {},
    output_uri: null,
    queue: null,
    worker: null,
    ...fields
  };
}

export function pipelineRun(fields: Partial<IPipelineRun> = {}): IPipelineRun {
  return { ...taskRow({ type: 'controller' }), version: '', steps: 0, step_status: {}, ...fields };
}

export function modelVersion(fields: Partial<IModelVersion> = {}): IModelVersion {
  return {
    model_id: 'm',
    version: 1,
    location: '',
    blob_sha256: null,
    url: null,
    file_name: '',
    size: 0,
    is_package: false,
    iteration: null,
    created: WHEN,
    ...fields
  };
}

export function modelRow(fields: Partial<IModel> = {}): IModel {
  return {
    id: 'm',
    project_id: 'p',
    project_name: 'P',
    name: 'm',
    framework: '',
    comment: '',
    task_id: null,
    parent_id: null,
    labels: {},
    design: '',
    metadata: {},
    published: false,
    archived: false,
    latest_version: 0,
    user: 'u',
    created: WHEN,
    last_update: WHEN,
    tags: [],
    ...fields
  };
}

export function queueEntry(fields: Partial<IQueueEntry> = {}): IQueueEntry {
  return { task_id: 't', name: 't', project: 'P', status: 'queued', added: WHEN, position: 0, ...fields };
}

export function queueRow(fields: Partial<IQueue> = {}): IQueue {
  return { id: 'q', name: 'q', tags: [], created: WHEN, entries: [], num_entries: 0, workers: [], ...fields };
}

export function artifactRow(fields: Partial<IArtifact> = {}): IArtifact {
  return {
    id: 1,
    task_id: 't',
    name: 'a',
    type: 'custom',
    mode: 'output',
    location: '',
    blob_sha256: null,
    url: null,
    file_name: '',
    content_type: 'application/octet-stream',
    size: 0,
    preview: '',
    metadata: {},
    user: 'u',
    time: WHEN,
    ...fields
  };
}
