// The live scalar plot's view: one chart per title, a line per series, drawn on a canvas.
// No library and no network: the kernel sends only new points ("append") and, rarely, the whole
// downsampled series ("reset"); smoothing, log scale and hiding series happen here. A message's
// points come as two binary buffers (every x, then every y, float64), each series taking the next
// n values of both; the first state (a JSON trait) carries x and y lists instead.
const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
  "#7f7f7f", "#bcbd22", "#17becf"];
const HEIGHT = 220;

function fmt(v) {
  if (!isFinite(v)) return "";
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1);
  return String(Math.round(v * 1000) / 1000);
}

// Round steps (1, 2, 5 x 10^k) so axis labels read 0, 0.25, 0.5 rather than 0.513, 0.781.
function niceTicks(lo, hi, count) {
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw) || 10 * mag;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.round(v / step) * step);
  return ticks;
}

function float64s(buffer) {
  // A DataView or typed array over a larger message buffer, maybe at an unaligned offset: copy.
  if (!buffer) return new Float64Array(0);
  if (buffer instanceof ArrayBuffer) return new Float64Array(buffer.slice(0));
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return new Float64Array(bytes.slice().buffer);
}

function smoothed(ys, weight) {
  if (!weight) return ys;
  const out = new Array(ys.length);
  let last = 0, n = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (y === null || !isFinite(y)) { out[i] = y; continue; }
    last = last * weight + (1 - weight) * y;
    n += 1;
    out[i] = last / (1 - Math.pow(weight, n)); // debiased, as TensorBoard does
  }
  return out;
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "jupyter-track-live-plot";
  root.style.cssText = "font:12px var(--jp-ui-font-family, sans-serif);color:var(--jp-ui-font-color1,#222)";
  const bar = document.createElement("div");
  bar.style.cssText = "display:flex;gap:14px;align-items:center;margin:4px 0;flex-wrap:wrap";
  const heading = model.get("heading");
  if (heading) {
    const h = document.createElement("b");
    h.textContent = heading;
    bar.appendChild(h);
  }
  const smoothLabel = document.createElement("label");
  smoothLabel.textContent = "Smoothing ";
  const smooth = document.createElement("input");
  Object.assign(smooth, { type: "range", min: "0", max: "0.99", step: "0.01", value: "0" });
  smooth.style.verticalAlign = "middle";
  const smoothValue = document.createElement("span");
  smoothValue.textContent = " 0";
  smoothLabel.append(smooth, smoothValue);
  const logLabel = document.createElement("label");
  const logBox = document.createElement("input");
  logBox.type = "checkbox";
  logLabel.append(logBox, " Log scale");
  bar.append(smoothLabel, logLabel);
  const grid = document.createElement("div");
  grid.style.cssText = "display:flex;flex-wrap:wrap;gap:10px";
  root.append(bar, grid);
  el.appendChild(root);

  const series = new Map(); // id -> {id, title, name, x, y, tail, hidden, color}
  const charts = new Map(); // title -> {box, canvas, legend}
  let scheduled = false;

  function chartFor(title) {
    let c = charts.get(title);
    if (c) return c;
    const box = document.createElement("div");
    box.style.cssText = "flex:1 1 360px;min-width:300px;max-width:100%";
    const head = document.createElement("div");
    head.textContent = title;
    head.style.cssText = "font-weight:600;margin:2px 0";
    const canvas = document.createElement("canvas");
    canvas.style.cssText = `width:100%;height:${HEIGHT}px;display:block`;
    const legend = document.createElement("div");
    legend.style.cssText = "display:flex;flex-wrap:wrap;gap:8px;margin-top:2px";
    box.append(head, canvas, legend);
    // The machine's own charts (":monitor:…") come after the run's metrics.
    const firstMonitor = [...charts.entries()].find(([t]) => t.startsWith(":monitor:"));
    if (!title.startsWith(":monitor:") && firstMonitor) grid.insertBefore(box, firstMonitor[1].box);
    else grid.appendChild(box);
    c = { box, canvas, legend };
    charts.set(title, c);
    return c;
  }

  function addSeries(s) {
    if (series.has(s.id)) return series.get(s.id);
    const entry = { id: s.id, title: s.title, name: s.series, x: [], y: [], tail: null, hidden: false,
      color: s.color || COLORS[series.size % COLORS.length], dash: Array.isArray(s.dash) ? s.dash : [] };
    series.set(s.id, entry);
    const chart = chartFor(s.title);
    const item = document.createElement("span");
    item.style.cssText = "cursor:pointer;user-select:none;white-space:nowrap";
    item.title = "click to hide or show";
    const swatch = document.createElement("span");
    swatch.style.cssText = `display:inline-block;width:10px;height:10px;margin-right:4px;background:${entry.color}`;
    item.append(swatch, s.series);
    item.addEventListener("click", () => {
      entry.hidden = !entry.hidden;
      item.style.opacity = entry.hidden ? "0.35" : "1";
      schedule();
    });
    chart.legend.appendChild(item);
    return entry;
  }

  function apply(msg, buffers) {
    if (!msg || !msg.t) return;
    const bx = float64s(buffers && buffers[0]), by = float64s(buffers && buffers[1]);
    let at = 0;
    if (msg.t === "reset") {
      series.clear();
      charts.clear();
      grid.replaceChildren();
      for (const s of msg.series || []) {
        const e = addSeries(s);
        if (s.x) {
          e.x = s.x.slice();
          e.y = s.y.slice();
        } else {
          e.x = Array.from(bx.subarray(at, at + s.n));
          e.y = Array.from(by.subarray(at, at + s.n));
          at += s.n;
        }
      }
    } else if (msg.t === "append") {
      for (const s of msg.new || []) addSeries(s);
      for (const [id, n] of msg.d || []) {
        const e = series.get(id);
        if (e) for (let i = at; i < at + n; i++) { e.x.push(bx[i]); e.y.push(by[i]); }
        at += n;
      }
    }
    for (const [id, x, y] of msg.tails || []) {
      const e = series.get(id);
      if (e) e.tail = x === null ? null : [x, y];
    }
    schedule();
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => { scheduled = false; drawAll(); });
  }

  function drawAll() {
    for (const [title, chart] of charts) draw(title, chart);
  }

  function draw(title, chart) {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(300, chart.box.clientWidth || 360);
    const canvas = chart.canvas;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(HEIGHT * ratio);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    // What the canvas shows, for screen readers: each series' point count and newest point.
    canvas.setAttribute("aria-label", [...series.values()].filter((e) => e.title === title).map((e) => {
      const n = e.x.length;
      return `${e.name}: ${n} points` + (n ? `, last at ${fmt(e.x[n - 1])}` : "");
    }).join("; "));
    const log = logBox.checked;
    const weight = parseFloat(smooth.value) || 0;
    const lines = [];
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const e of series.values()) {
      if (e.title !== title || e.hidden) continue;
      const xs = e.tail ? e.x.concat([e.tail[0]]) : e.x;
      let ys = e.tail ? e.y.concat([e.tail[1]]) : e.y;
      if (log) ys = ys.map((v) => (v === null || v <= 0 ? null : Math.log10(v)));
      const sm = smoothed(ys, weight);
      lines.push({ e, xs, ys, sm });
      for (let i = 0; i < xs.length; i++) {
        const v = ys[i];
        if (v === null || !isFinite(v)) continue;
        if (xs[i] < x0) x0 = xs[i];
        if (xs[i] > x1) x1 = xs[i];
        if (v < y0) y0 = v;
        if (v > y1) y1 = v;
      }
    }
    const left = 56, right = 10, top = 8, bottom = 22;
    const w = width - left - right, h = HEIGHT - top - bottom;
    ctx.font = "11px sans-serif";
    ctx.fillStyle = "#888";
    if (!isFinite(x0)) {
      ctx.fillText("no points yet", left + 8, top + 20);
      return;
    }
    if (x1 === x0) { x0 -= 1; x1 += 1; }
    if (y1 === y0) { y0 -= 1; y1 += 1; }
    const pad = (y1 - y0) * 0.05;
    const nonNegative = y0 >= 0 && !log;
    y0 -= pad; y1 += pad;
    if (nonNegative && y0 < 0) y0 = 0;
    const X = (x) => left + ((x - x0) / (x1 - x0)) * w;
    const Y = (y) => top + h - ((y - y0) / (y1 - y0)) * h;
    ctx.strokeStyle = "rgba(128,128,128,0.25)";
    ctx.lineWidth = 1;
    // On a log axis spanning less than a decade, round values read better than round exponents.
    const yTicks = log && y1 - y0 < 1
      ? niceTicks(Math.pow(10, y0), Math.pow(10, y1), 5).filter((v) => v > 0).map(Math.log10)
      : niceTicks(y0, y1, 5);
    for (const yv of yTicks) {
      const py = Y(yv);
      ctx.beginPath(); ctx.moveTo(left, py); ctx.lineTo(left + w, py); ctx.stroke();
      ctx.fillText(log ? fmt(Math.pow(10, yv)) : fmt(yv), 2, py + 4);
    }
    for (const xv of niceTicks(x0, x1, 5)) {
      const px = X(xv);
      ctx.fillText(fmt(xv), Math.min(px - 8, left + w - 30), top + h + 15);
    }
    for (const { e, xs, ys, sm } of lines) {
      if (weight) stroke(ctx, xs, ys, X, Y, e.color, 0.25, w, e.dash);
      stroke(ctx, xs, sm, X, Y, e.color, 1, w, e.dash);
    }
  }

  function stroke(ctx, xs, ys, X, Y, color, alpha, w, dash) {
    ctx.save();
    ctx.globalAlpha = alpha;
    ctx.strokeStyle = color;
    ctx.setLineDash(dash || []);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let pen = false;
    const dense = xs.length > 2 * w; // many points per pixel: draw each pixel column's min and max
    let col = null, lo = 0, hi = 0;
    for (let i = 0; i < xs.length; i++) {
      const v = ys[i];
      if (v === null || !isFinite(v)) { pen = false; continue; }
      const px = X(xs[i]), py = Y(v);
      if (dense) {
        const c = Math.round(px);
        if (c === col) { if (py < lo) lo = py; if (py > hi) hi = py; continue; }
        if (col !== null) { ctx.lineTo(col, lo); ctx.lineTo(col, hi); }
        col = c; lo = hi = py;
      }
      if (pen) ctx.lineTo(px, py); else ctx.moveTo(px, py);
      pen = true;
    }
    if (dense && col !== null) { ctx.lineTo(col, lo); ctx.lineTo(col, hi); }
    if (xs.length === 1) ctx.arc(X(xs[0]), Y(ys[0]), 2, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.restore();
  }

  const onMsg = (msg, buffers) => apply(msg, buffers);
  model.on("msg:custom", onMsg);
  smooth.addEventListener("input", () => { smoothValue.textContent = " " + smooth.value; schedule(); });
  logBox.addEventListener("change", schedule);
  const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(schedule);
  if (observer) observer.observe(grid);
  apply(model.get("_init"));
  model.send({ t: "hello" }); // the kernel answers with the whole plot: this view may have missed updates
  return () => {
    model.off("msg:custom", onMsg);
    if (observer) observer.disconnect();
  };
}

export default { render };
