import * as React from 'react';

import type { ISeries } from '../../api/shapes';
import { seriesDash } from '../../model/compare';
import { CompareModel } from '../../model/compareModel';
import { earliestX, filterCharts, IChartSpec } from '../../model/scalars';
import { ErrorLine, useSignal } from '../common';
import { Plot } from '../plot';
import { chartLayout, ChartControls, IChartOptions, ITraceStyle, traces } from '../task/scalarsTab';

/** One overlay chart: one colour per task, one dash per series; reads its points when in view. */
function CompareChart(props: {
  model: CompareModel;
  chart: IChartSpec;
  options: IChartOptions;
  eager: boolean;
  shown: string;
}): JSX.Element {
  const { model, chart, options } = props;
  const [data, setData] = React.useState<Map<string, ISeries[]> | null>(null);
  const [error, setError] = React.useState('');
  const [visible, setVisible] = React.useState(props.eager);
  const ref = React.useRef<HTMLDivElement>(null);

  React.useEffect(() => {
    const el = ref.current;
    if (!el || visible) {
      return;
    }
    const observer = new IntersectionObserver(entries => entries.some(e => e.isIntersecting) && setVisible(true), {
      rootMargin: '300px'
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [visible]);

  React.useEffect(() => {
    if (!visible) {
      return;
    }
    let cancelled = false;
    model
      .chartData(chart, options.xAxis)
      .then(d => !cancelled && (setData(d), setError('')))
      .catch((e: Error) => !cancelled && setError(e.message));
    return () => {
      cancelled = true;
    };
  }, [visible, chart.series.join('\n'), options.xAxis, props.shown]);

  const seriesNames = React.useMemo(
    () => [...new Set([...(data?.values() ?? [])].flat().map(s => s.series))].sort(),
    [data]
  );
  const plotted = React.useMemo(() => {
    if (!data) {
      return [];
    }
    const names = new Map(model.tasks.map(t => [t.task.id, t.task.name]));
    const all: ISeries[] = [];
    const owner = new Map<ISeries, string>();
    for (const id of model.shownIds) {
      for (const s of data.get(id) ?? []) {
        all.push(s);
        owner.set(s, id);
      }
    }
    const origins = new Map<string, number>();
    for (const id of model.shownIds) {
      origins.set(id, earliestX(data.get(id) ?? []));
    }
    const style = (s: ISeries): ITraceStyle => {
      const id = owner.get(s) ?? '';
      const single = seriesNames.length === 1;
      return {
        color: model.color(id),
        dash: seriesDash(seriesNames, s.series),
        name: single ? (names.get(id) ?? id) : `${names.get(id) ?? id} · ${s.series}`,
        group: id
      };
    };
    return traces(all, options, style, s => origins.get(owner.get(s) ?? '') ?? 0);
  }, [data, options.smoothing, options.log, options.xAxis]);

  return (
    <div className="je-chart" ref={ref} data-chart={chart.title}>
      <ErrorLine error={error} />
      {data && seriesNames.length > 1 ? <DashLegend names={seriesNames} /> : null}
      {data ? (
        <Plot data={plotted} layout={{ ...chartLayout(chart.title, options), showlegend: false }} />
      ) : (
        <div className="je-chart-placeholder">{chart.title} …</div>
      )}
    </div>
  );
}

/** Which dash is which series (colours are the tasks', shown in the task bar). */
function DashLegend(props: { names: string[] }): JSX.Element {
  return (
    <div className="je-dash-legend">
      {props.names.map(n => (
        <span key={n} className="je-dash-item">
          <svg width="28" height="8" aria-hidden="true">
            <line x1="0" y1="4" x2="28" y2="4" strokeWidth="2" strokeDasharray={SVG_DASH[seriesDash(props.names, n)]} />
          </svg>
          {n}
        </span>
      ))}
    </div>
  );
}

const SVG_DASH: Record<string, string> = {
  solid: '',
  dash: '6,4',
  dot: '2,3',
  dashdot: '6,3,2,3',
  longdash: '10,4',
  longdashdot: '10,3,2,3'
};

/** The metric picker: a search and a checkbox per chart title (all at first). */
function MetricPicker(props: {
  charts: IChartSpec[];
  hidden: Set<string>;
  onChange: (hidden: Set<string>) => void;
}): JSX.Element {
  const [open, setOpen] = React.useState(false);
  const [filter, setFilter] = React.useState('');
  const shownCount = props.charts.filter(c => !props.hidden.has(c.title)).length;
  const listed = filterCharts(props.charts, filter);
  return (
    <div className="je-metric-picker">
      <button className="je-btn" aria-expanded={open} onClick={() => setOpen(!open)}>
        Metrics ({shownCount}/{props.charts.length}) ▾
      </button>
      {open ? (
        <div className="je-picker-pop" role="listbox" aria-label="Metrics">
          <input
            className="je-search"
            placeholder="Find a metric or series"
            aria-label="Find a metric"
            value={filter}
            onChange={e => setFilter(e.target.value)}
          />
          <div className="je-toolbar">
            <button
              className="je-btn"
              onClick={() => props.onChange(new Set([...props.hidden].filter(t => !listed.some(c => c.title === t))))}
            >
              all
            </button>
            <button
              className="je-btn"
              onClick={() => props.onChange(new Set([...props.hidden, ...listed.map(c => c.title)]))}
            >
              none
            </button>
          </div>
          {listed.map(c => (
            <label key={c.title} className="je-check je-picker-item">
              <input
                type="checkbox"
                checked={!props.hidden.has(c.title)}
                onChange={e => {
                  const next = new Set(props.hidden);
                  if (e.target.checked) {
                    next.delete(c.title);
                  } else {
                    next.add(c.title);
                  }
                  props.onChange(next);
                }}
              />
              {c.title} <span className="je-dim">({c.series.map(s => s.slice(s.indexOf('/') + 1)).join(', ')})</span>
            </label>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** Scalars of the drawn tasks overlaid: one chart per metric title, each one request, lazily. */
export function CompareScalars(props: { model: CompareModel }): JSX.Element {
  const { model } = props;
  useSignal(model.changed, c => c === 'tasks' || c === 'shown');
  const [options, setOptions] = React.useState<IChartOptions>({ smoothing: 0, log: false, xAxis: 'iter' });
  const [filter, setFilter] = React.useState('');
  const [hidden, setHidden] = React.useState<Set<string>>(new Set());
  const all = model.charts;
  const charts = filterCharts(all, filter).filter(c => !hidden.has(c.title));
  const shown = model.shownIds.join(',');
  return (
    <div className="je-compare-scalars">
      <div className="je-toolbar">
        <MetricPicker charts={all} hidden={hidden} onChange={setHidden} />
        <ChartControls options={options} onChange={setOptions} filter={filter} onFilter={setFilter} />
      </div>
      {model.loaded && all.length === 0 ? <div className="je-empty">No scalars reported.</div> : null}
      <div className="je-charts">
        {charts.map((c, i) => (
          <CompareChart
            key={`${c.title}|${shown}`}
            model={model}
            chart={c}
            options={options}
            eager={i < 2}
            shown={shown}
          />
        ))}
      </div>
    </div>
  );
}
