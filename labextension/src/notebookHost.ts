import { JupyterFrontEnd } from '@jupyterlab/application';
import { PathExt } from '@jupyterlab/coreutils';
import { INotebookTracker } from '@jupyterlab/notebook';

/** What the notebook views need from the lab: write a run's notebook into the workspace, show a live cell. */
export interface INotebookHost {
  /** Save `content` as a new notebook named after `name` (a free name is found) and open it; its path. */
  openNotebook: (name: string, content: unknown) => Promise<string>;
  /** Open a notebook of the workspace. */
  openPath: (path: string) => Promise<void>;
  /** Scroll an open notebook to the cell with this id; false when no open notebook has it. */
  showLiveCell: (cellId: string) => boolean;
  /** The folder the file browser shows (where a run's notebook is written). */
  currentFolder: () => string;
}

export function notebookHost(
  app: JupyterFrontEnd,
  notebooks: INotebookTracker | null,
  folder: () => string = () => ''
): INotebookHost {
  const contents = app.serviceManager.contents;

  const freePath = async (name: string): Promise<string> => {
    const stem = PathExt.basename(name, '.ipynb');
    for (let i = 0; i < 1000; i++) {
      const path = i ? `${stem}-${i}.ipynb` : `${stem}.ipynb`;
      try {
        await contents.get(path, { content: false });
      } catch {
        return path; // not there: free
      }
    }
    throw new Error(`no free name for ${name} in the workspace`);
  };

  return {
    openNotebook: async (name, content) => {
      const path = await freePath(name);
      await contents.save(path, { type: 'notebook', format: 'json', content });
      await app.commands.execute('docmanager:open', { path, factory: 'Notebook' });
      return path;
    },
    openPath: async path => {
      await app.commands.execute('docmanager:open', { path, factory: 'Notebook' });
    },
    currentFolder: folder,
    showLiveCell: cellId => {
      let found = false;
      notebooks?.forEach(panel => {
        if (found) {
          return;
        }
        const cells = panel.content.widgets;
        const index = cells.findIndex(c => c.model.id === cellId);
        if (index >= 0) {
          found = true;
          app.shell.activateById(panel.id);
          panel.content.activeCellIndex = index;
          void panel.content.scrollToCell(cells[index], 'center');
        }
      });
      return found;
    }
  };
}
