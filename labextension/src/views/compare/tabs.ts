/** The compare view's tabs: a list other views add to (`registerCompareTab`), each rendering lazily. */

import type { CompareModel } from '../../model/compareModel';
import type { IEnv } from '../env';

export interface ICompareTabProps {
  model: CompareModel;
  env: IEnv;
}

export interface ICompareTab {
  /** Stable id (used in `data-compare-tab` and to order tabs). */
  id: string;
  label: string;
  render: (props: ICompareTabProps) => JSX.Element;
}

const extra: ICompareTab[] = [];

/** Add a tab to every compare view opened from now on (after the built-in ones). */
export function registerCompareTab(tab: ICompareTab): void {
  const at = extra.findIndex(t => t.id === tab.id);
  if (at >= 0) {
    extra[at] = tab;
  } else {
    extra.push(tab);
  }
}

export function registeredCompareTabs(): ICompareTab[] {
  return extra.slice();
}
