import * as React from 'react';

import type { IDebugSample } from '../api/shapes';
import { ISampleGroup, sampleAt, stepIteration } from '../model/samples';
import { IEnv } from './env';

/** Where a sample's bytes are: our blob, or a web link (a stored javascript:/data: URL is not followed). */
export function sampleSrc(env: IEnv, s: IDebugSample): string {
  return s.sha256 ? env.blobUrl(s.sha256) : /^https?:\/\//i.test(s.url ?? '') ? (s.url as string) : '';
}

export function isImage(s: IDebugSample): boolean {
  return (s.content_type ?? 'image/').startsWith('image/');
}

/** A sample's picture, or a link to it when it is another kind of media. */
export function SampleMedia(props: { env: IEnv; sample: IDebugSample; onOpen?: () => void }): JSX.Element {
  const { env, sample } = props;
  const src = sampleSrc(env, sample);
  if (!isImage(sample)) {
    return (
      <a href={src} target="_blank" rel="noreferrer">
        {sample.title} / {sample.series}
      </a>
    );
  }
  return (
    <img
      src={src}
      alt={`${sample.title} / ${sample.series} @ ${sample.iteration}`}
      loading="lazy"
      className={props.onOpen ? 'je-sample-open' : ''}
      onClick={props.onOpen}
    />
  );
}

/**
 * One sample full size, zoomable (wheel, +/−, 1:1), with the previous/next iteration of its
 * title/series (buttons, ← and →); Escape closes.
 */
export function SampleViewer(props: {
  env: IEnv;
  group: ISampleGroup<IDebugSample>;
  iteration: number;
  onIteration: (iteration: number) => void;
  onClose: () => void;
}): JSX.Element {
  const { group, iteration } = props;
  const [zoom, setZoom] = React.useState(1);
  const stage = React.useRef<HTMLDivElement>(null);
  const fitted = React.useRef(false);
  const [natural, setNatural] = React.useState(0);
  // Opened "to fit": a 48-pixel sample is shown large, a 4,000-pixel one whole; 1:1 is a click away.
  const fit = (img: HTMLImageElement) => {
    setNatural(img.naturalWidth);
    const box = stage.current;
    if (fitted.current || !box || !img.naturalWidth) {
      return;
    }
    fitted.current = true;
    const scale = Math.min((box.clientWidth - 24) / img.naturalWidth, (box.clientHeight - 24) / img.naturalHeight, 16);
    setZoom(Math.max(0.1, Math.round(scale * 100) / 100));
  };
  const sample = sampleAt(group.samples, iteration);
  const step = (n: number) => props.onIteration(stepIteration(group.iterations, iteration, n));
  const ref = React.useRef<HTMLDivElement>(null);
  React.useEffect(() => ref.current?.focus(), []);
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      props.onClose();
    } else if (e.key === 'ArrowLeft') {
      step(-1);
    } else if (e.key === 'ArrowRight') {
      step(1);
    } else if (e.key === '+' || e.key === '=') {
      setZoom(z => Math.min(16, z * 1.25));
    } else if (e.key === '-') {
      setZoom(z => Math.max(0.1, z / 1.25));
    } else {
      return;
    }
    e.preventDefault();
  };
  const at = group.iterations.indexOf(sample?.iteration ?? iteration);
  return (
    <div className="je-viewer" role="dialog" aria-label="Debug sample" tabIndex={-1} ref={ref} onKeyDown={onKey}>
      <div className="je-toolbar je-viewer-bar">
        <b>{group.key}</b>
        <button className="je-btn" aria-label="Previous iteration" disabled={at <= 0} onClick={() => step(-1)}>
          ‹ prev
        </button>
        <span className="je-viewer-iter">
          iteration {sample?.iteration} ({at + 1}/{group.iterations.length})
        </span>
        <button
          className="je-btn"
          aria-label="Next iteration"
          disabled={at >= group.iterations.length - 1}
          onClick={() => step(1)}
        >
          next ›
        </button>
        <span className="je-spacer" />
        <button className="je-btn" aria-label="Zoom out" onClick={() => setZoom(z => Math.max(0.1, z / 1.25))}>
          −
        </button>
        <span className="je-viewer-zoom">{Math.round(zoom * 100)}%</span>
        <button className="je-btn" aria-label="Zoom in" onClick={() => setZoom(z => Math.min(16, z * 1.25))}>
          +
        </button>
        <button className="je-btn" aria-label="Actual size" onClick={() => setZoom(1)}>
          1:1
        </button>
        <button className="je-btn" aria-label="Close" onClick={props.onClose}>
          ✕
        </button>
      </div>
      <div
        className="je-viewer-stage"
        ref={stage}
        onWheel={e => {
          if (e.ctrlKey || e.metaKey || e.altKey) {
            return;
          }
          setZoom(z => Math.max(0.1, Math.min(16, z * (e.deltaY < 0 ? 1.1 : 1 / 1.1))));
        }}
      >
        {sample ? (
          isImage(sample) ? (
            <img
              src={sampleSrc(props.env, sample)}
              alt={`${group.key} @ ${sample.iteration}`}
              style={natural ? { width: `${Math.round(natural * zoom)}px`, maxWidth: 'none' } : undefined}
              className="je-viewer-img"
              onLoad={e => fit(e.currentTarget)}
            />
          ) : (
            <SampleMedia env={props.env} sample={sample} />
          )
        ) : null}
      </div>
    </div>
  );
}

/** An iteration slider over `iterations` (its own per title/series). */
export function IterationSlider(props: {
  iterations: number[];
  value: number;
  onChange: (iteration: number) => void;
  label: string;
}): JSX.Element | null {
  const { iterations } = props;
  if (iterations.length <= 1) {
    return <span className="je-dim">iteration {iterations[0] ?? '—'}</span>;
  }
  const index = Math.max(
    0,
    iterations.findIndex(v => v >= props.value)
  );
  return (
    <label className="je-iter-slider">
      <input
        type="range"
        aria-label={props.label}
        min={0}
        max={iterations.length - 1}
        value={index}
        onChange={e => props.onChange(iterations[Number(e.target.value)])}
      />{' '}
      iteration {iterations[index]}
    </label>
  );
}
