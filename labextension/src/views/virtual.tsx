import * as React from 'react';

export interface IVirtualListProps {
  count: number;
  rowHeight: number;
  /** Renders row `index`; called only for rows in or near the viewport. */
  renderRow: (index: number, style: React.CSSProperties) => React.ReactNode;
  /** Told which rows are visible, so data can be fetched for them. */
  onRange?: (start: number, end: number) => void;
  overscan?: number;
  className?: string;
  /** Scroll this row into view when it changes. */
  scrollToIndex?: number;
  /** Stays on top while rows scroll under it, and scrolls sideways with them. */
  header?: React.ReactNode;
}

/** Rows in a tall spacer; only those in view exist in the DOM (10,000 or 1,000,000 rows alike). */
export function VirtualList(props: IVirtualListProps): JSX.Element {
  const { count, rowHeight, overscan = 10 } = props;
  const ref = React.useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = React.useState(0);
  const [height, setHeight] = React.useState(400);

  React.useLayoutEffect(() => {
    const el = ref.current;
    if (!el) {
      return;
    }
    setHeight(el.clientHeight || 400);
    const observer = new ResizeObserver(() => setHeight(el.clientHeight || 400));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const start = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);

  React.useEffect(() => {
    props.onRange?.(start, end);
  }, [start, end, count]);

  React.useEffect(() => {
    const el = ref.current;
    const i = props.scrollToIndex;
    if (el && i !== undefined && i >= 0) {
      const top = i * rowHeight;
      if (top < el.scrollTop || top + rowHeight > el.scrollTop + el.clientHeight) {
        el.scrollTop = Math.max(0, top - el.clientHeight / 2);
      }
    }
  }, [props.scrollToIndex]);

  const rows: React.ReactNode[] = [];
  for (let i = start; i < end; i++) {
    rows.push(props.renderRow(i, { position: 'absolute', top: i * rowHeight, height: rowHeight, left: 0, right: 0 }));
  }
  return (
    <div
      ref={ref}
      className={`je-virtual ${props.className ?? ''}`}
      onScroll={e => setScrollTop((e.target as HTMLDivElement).scrollTop)}
    >
      {props.header ? <div className="je-sticky">{props.header}</div> : null}
      <div style={{ position: 'relative', height: count * rowHeight, minWidth: '100%' }}>{rows}</div>
    </div>
  );
}
