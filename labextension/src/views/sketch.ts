/**
 * A chart's lines drawn on a canvas while plotly.js (a 3.5 MB chunk) is still loading: the
 * first chart of a freshly loaded page shows its data at once, and plotly replaces the sketch,
 * with its axes, hover and zoom, as soon as it is ready.
 */

interface ILineTrace {
  x: ArrayLike<number>;
  y: ArrayLike<number | null>;
  color: string;
  dash: string;
  opacity: number;
}

/** The traces a sketch can draw: lines with numeric x and y; null when any other kind is there. */
export function sketchable(data: unknown[]): ILineTrace[] | null {
  const out: ILineTrace[] = [];
  for (const raw of data) {
    const t = raw as Record<string, unknown>;
    const type = String(t.type ?? 'scatter');
    if ((type !== 'scatter' && type !== 'scattergl') || !Array.isArray(t.x) || !Array.isArray(t.y)) {
      return null;
    }
    if (t.x.length && typeof t.x[0] !== 'number') {
      return null;
    }
    const line = (t.line ?? {}) as Record<string, unknown>;
    out.push({
      x: t.x as number[],
      y: t.y as (number | null)[],
      color: String(line.color ?? '#1f77b4'),
      dash: String(line.dash ?? 'solid'),
      opacity: typeof t.opacity === 'number' ? t.opacity : 1
    });
  }
  return out;
}

const DASHES: Record<string, number[]> = { solid: [], dash: [6, 4], dot: [2, 3], dashdot: [6, 3, 2, 3] };

/** Draw the lines into `canvas` (CSS size `width` × `height`), with the plot's margins. */
export function drawSketch(canvas: HTMLCanvasElement, traces: ILineTrace[], width: number, height: number): void {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(width * ratio));
  canvas.height = Math.max(1, Math.round(height * ratio));
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) {
    return;
  }
  ctx.scale(ratio, ratio);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const t of traces) {
    for (let i = 0; i < t.x.length; i++) {
      const y = t.y[i];
      if (y === null || !Number.isFinite(y)) {
        continue;
      }
      x0 = Math.min(x0, t.x[i]);
      x1 = Math.max(x1, t.x[i]);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (!Number.isFinite(x0) || !Number.isFinite(y0)) {
    return;
  }
  // The same margins as the plotly layout (themeLayout), so the swap does not jump.
  const left = 50;
  const right = width - 10;
  const top = 30;
  const bottom = height - 40;
  const sx = (v: number) => left + ((v - x0) / (x1 - x0 || 1)) * (right - left);
  const sy = (v: number) => bottom - ((v - y0) / (y1 - y0 || 1)) * (bottom - top);
  const css = getComputedStyle(document.body);
  ctx.strokeStyle = css.getPropertyValue('--jp-border-color2').trim() || '#ddd';
  ctx.lineWidth = 1;
  ctx.strokeRect(left, top, right - left, bottom - top);
  for (const t of traces) {
    ctx.globalAlpha = t.opacity;
    ctx.strokeStyle = t.color;
    ctx.setLineDash(DASHES[t.dash] ?? []);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < t.x.length; i++) {
      const y = t.y[i];
      if (y === null || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      if (pen) {
        ctx.lineTo(sx(t.x[i]), sy(y));
      } else {
        ctx.moveTo(sx(t.x[i]), sy(y));
        pen = true;
      }
    }
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
}
