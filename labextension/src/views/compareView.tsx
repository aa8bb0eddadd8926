/** The compare view's entry point (kept at this path for the widgets and the URL router). */
import './compare/notebookCompareTab';

export { CompareView } from './compare/compareView';
export { registerCompareTab } from './compare/tabs';
export type { ICompareTab, ICompareTabProps } from './compare/tabs';
