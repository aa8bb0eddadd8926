/** The compare view's entry point (kept at this path for the widgets and the URL router). */
export { CompareView } from './compare/compareView';
export { registerNotebookCompareTab } from './compare/notebookCompareTab';
export { registerCompareTab } from './compare/tabs';
export type { ICompareTab, ICompareTabProps } from './compare/tabs';
