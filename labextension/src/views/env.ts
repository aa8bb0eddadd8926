import * as React from 'react';

import { TrackClient } from '../api/client';

/** What every view may need from the application, passed down once. */
export interface IEnv {
  client: TrackClient;
  blobUrl: (sha256: string) => string;
  openTask: (id: string) => void;
  compare: (ids: string[]) => void;
  /** Open a pipeline run's DAG view (absent where the host has no main area for it). */
  openPipeline?: (id: string) => void;
  /** Open a registered model's details view (absent where the host has no area for it). */
  openModel?: (id: string) => void;
  /** Write a run's notebook into the workspace and open it (notebookHost.ts). */
  openNotebook?: (name: string, content: unknown) => Promise<string>;
  /** Open a notebook of the workspace (notebookHost.ts). */
  openPath?: (path: string) => Promise<void>;
  /** Scroll an open notebook to a cell; false when none has it (notebookHost.ts). */
  showLiveCell?: (cellId: string) => boolean;
  /** The file browser's folder, where "Open notebook" writes (notebookHost.ts). */
  currentFolder?: () => string;
}

export const EnvContext = React.createContext<IEnv | null>(null);

export function useEnv(): IEnv {
  const env = React.useContext(EnvContext);
  if (!env) {
    throw new Error('jupyter-ext views need an EnvContext provider');
  }
  return env;
}
