/** The compare view's Notebook tab: the first two runs' notebooks diffed cell by cell. */
import * as React from 'react';

import { useSignal } from '../common';
import { NotebookDiffView } from '../notebookDiff';
import { ICompareTabProps, registerCompareTab } from './tabs';

function NotebookCompareTab(props: ICompareTabProps): JSX.Element {
  const { model } = props;
  useSignal(model.changed, c => c === 'tasks');
  const tasks = model.tasks;
  return <NotebookDiffView ids={tasks.map(t => t.task.id)} names={tasks.map(t => t.task.name)} />;
}

/** Adds the Notebook tab to compare views (called by the plugin: a bare import would be tree-shaken). */
export function registerNotebookCompareTab(): void {
  registerCompareTab({ id: 'notebook', label: 'Notebook', render: props => <NotebookCompareTab {...props} /> });
}
