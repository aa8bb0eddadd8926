import * as React from 'react';

import { drawSketch, sketchable } from './sketch';

type PlotlyModule = typeof import('plotly.js-dist-min');

let plotly: Promise<PlotlyModule> | null = null;

/** plotly.js is a large chunk: it loads when a chart is first shown, or ahead (`preloadPlotly`). */
export function loadPlotly(): Promise<PlotlyModule> {
  if (!plotly) {
    plotly = import(/* webpackChunkName: "plotly" */ 'plotly.js-dist-min');
  }
  return plotly;
}

/**
 * Start loading plotly.js once the page is idle, so the first chart opened later finds it
 * ready; the sketch (sketch.ts) covers a chart asked for before that.
 */
export function preloadPlotly(): void {
  const start = () => void loadPlotly().catch(() => undefined);
  const idle = (window as unknown as { requestIdleCallback?: (cb: () => void, o?: object) => void })
    .requestIdleCallback;
  if (idle) {
    idle(start, { timeout: 3000 });
  } else {
    setTimeout(start, 500);
  }
}

export interface IPlotProps {
  data: unknown[];
  layout?: Record<string, unknown>;
  height?: number;
  /** Plotly's relayout event (zoom, autoscale). */
  onRelayout?: (event: Record<string, unknown>) => void;
  /** Plotly's click on a point (a scatter point, a parcoords line is not clickable in plotly). */
  onClick?: (event: { points?: Record<string, unknown>[] }) => void;
  className?: string;
}

/** Colours of the current JupyterLab theme, so charts follow light and dark. */
export function themeLayout(): Record<string, unknown> {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const fg = v('--jp-ui-font-color1', '#222');
  const grid = v('--jp-border-color2', '#ddd');
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: fg, family: v('--jp-ui-font-family', 'sans-serif'), size: 11 },
    xaxis: { gridcolor: grid, zerolinecolor: grid },
    yaxis: { gridcolor: grid, zerolinecolor: grid },
    legend: { orientation: 'h', y: -0.2 },
    margin: { l: 50, r: 10, t: 30, b: 40 }
  };
}

function merge(base: Record<string, unknown>, extra: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra ?? {})) {
    const b = out[k];
    out[k] =
      b && v && typeof b === 'object' && typeof v === 'object' && !Array.isArray(v)
        ? { ...(b as object), ...(v as object) }
        : v;
  }
  return out;
}

export function Plot(props: IPlotProps): JSX.Element {
  const ref = React.useRef<HTMLDivElement>(null);
  const [error, setError] = React.useState('');
  const relayout = React.useRef(props.onRelayout);
  relayout.current = props.onRelayout;
  const click = React.useRef(props.onClick);
  click.current = props.onClick;
  const sketch = React.useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = React.useState(false);

  // Until plotly is there, the lines are drawn on a canvas (once, on mount).
  React.useLayoutEffect(() => {
    const el = ref.current;
    const canvas = sketch.current;
    const lines = sketchable(props.data);
    if (el && canvas && lines && !drawn) {
      drawSketch(canvas, lines, el.clientWidth || 600, props.height ?? 280);
      el.setAttribute('data-sketch', 'true');
    }
  }, []);

  React.useEffect(() => {
    let cancelled = false;
    const el = ref.current;
    if (!el) {
      return;
    }
    loadPlotly()
      .then(async Plotly => {
        if (cancelled) {
          return;
        }
        const layout = merge(themeLayout(), { ...props.layout, height: props.height ?? 280, autosize: true });
        await Plotly.react(el, props.data, layout, { responsive: true, displaylogo: false });
        const node = el as unknown as {
          on?: (name: string, cb: (e: Record<string, unknown>) => void) => void;
          _jeBound?: boolean;
        };
        if (node.on && !node._jeBound) {
          node._jeBound = true;
          node.on('plotly_relayout', e => relayout.current?.(e));
          node.on('plotly_click', e => click.current?.(e as { points?: Record<string, unknown>[] }));
        }
        setDrawn(true);
        el.setAttribute('data-rendered', 'true');
      })
      .catch((e: Error) => setError(e.message));
    return () => {
      cancelled = true;
    };
  }, [props.data, props.layout, props.height]);

  React.useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) {
        void loadPlotly().then(P => P.purge(el));
      }
    };
  }, []);

  return (
    <div className={`je-plot ${props.className ?? ''}`}>
      {error ? <div className="je-error">{error}</div> : null}
      {drawn ? null : <canvas ref={sketch} className="je-plot-sketch" aria-hidden="true" />}
      <div ref={ref} className="je-plot-area" />
    </div>
  );
}
