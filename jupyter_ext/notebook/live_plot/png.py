"""Static pictures of scalar plots (PNG, drawn with Pillow): what a saved notebook, its HTML
snapshot and GitHub show where the live widget cannot run."""
from __future__ import annotations

import base64
import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
          "#17becf"]
PANEL_W, PANEL_H, COLUMNS = 380, 220, 2


def scalar_png(charts: dict[str, list[tuple[str, Sequence[float], Sequence[float]]]]) -> bytes:
    """``{title: [(series label, xs, ys), ...]}`` as one PNG, a panel per title."""
    from PIL import Image, ImageDraw, ImageFont

    titles = list(charts) or [""]
    cols = min(COLUMNS, len(titles))
    rows = math.ceil(len(titles) / cols)
    image = Image.new("RGB", (cols * PANEL_W, rows * PANEL_H), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    if not charts:
        draw.text((10, 10), "no scalars reported yet", fill="#888", font=font)
    for n, title in enumerate(titles if charts else []):
        ox, oy = (n % cols) * PANEL_W, (n // cols) * PANEL_H
        _panel(draw, font, ox, oy, title, charts[title])
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _panel(draw: Any, font: Any, ox: int, oy: int, title: str,
           lines: list[tuple[str, Sequence[float], Sequence[float]]]) -> None:
    left, right, top, bottom = 52, 10, 22, 40
    w, h = PANEL_W - left - right, PANEL_H - top - bottom
    draw.text((ox + left, oy + 4), title[:48], fill="#222", font=font)
    finite = [(x, y) for _, xs, ys in lines for x, y in zip(xs, ys, strict=False) if _ok(x) and _ok(y)]
    if not finite:
        draw.text((ox + left, oy + top + 10), "no points", fill="#888", font=font)
        return
    x0, x1 = min(p[0] for p in finite), max(p[0] for p in finite)
    y0, y1 = min(p[1] for p in finite), max(p[1] for p in finite)
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1
    if y1 == y0:
        y0, y1 = y0 - 1, y1 + 1

    def X(x: float) -> float:
        return ox + left + (x - x0) / (x1 - x0) * w

    def Y(y: float) -> float:
        return oy + top + h - (y - y0) / (y1 - y0) * h

    draw.rectangle([ox + left, oy + top, ox + left + w, oy + top + h], outline="#ccc")
    for i in range(5):
        yv = y0 + (y1 - y0) * i / 4
        draw.line([ox + left, Y(yv), ox + left + w, Y(yv)], fill="#eee")
        draw.text((ox + 2, Y(yv) - 6), _fmt(yv), fill="#666", font=font)
        xv = x0 + (x1 - x0) * i / 4
        draw.text((min(X(xv) - 8, ox + left + w - 30), oy + top + h + 3), _fmt(xv), fill="#666", font=font)
    legend_x = ox + left
    for n, (label, xs, ys) in enumerate(lines):
        color = COLORS[n % len(COLORS)]
        pts = [(X(x), Y(y)) for x, y in zip(xs, ys, strict=False) if _ok(x) and _ok(y)]
        if len(pts) > 1:
            draw.line(pts, fill=color, width=2)
        elif pts:
            px, py = pts[0]
            draw.ellipse([px - 2, py - 2, px + 2, py + 2], fill=color)
        draw.rectangle([legend_x, oy + PANEL_H - 14, legend_x + 8, oy + PANEL_H - 6], fill=color)
        draw.text((legend_x + 11, oy + PANEL_H - 17), label[:24], fill="#333", font=font)
        legend_x += 20 + 6 * min(len(label), 24)


def _ok(v: Any) -> bool:
    return v is not None and isinstance(v, (int, float)) and math.isfinite(v)


def _fmt(v: float) -> str:
    a = abs(v)
    if a and (a >= 1e5 or a < 1e-3):
        return f"{v:.1e}"
    return f"{v:.4g}"


def png_data(png: bytes) -> str:
    return base64.b64encode(png).decode("ascii")


def img_tag(png: bytes, alt: str = "") -> str:
    return f'<img alt="{alt}" src="data:image/png;base64,{png_data(png)}"/>'


def charts_of(series: Iterable[tuple[str, str, Sequence[float], Sequence[float]]]
              ) -> dict[str, list[tuple[str, Sequence[float], Sequence[float]]]]:
    """Group ``(title, label, xs, ys)`` by title."""
    out: dict[str, list[tuple[str, Sequence[float], Sequence[float]]]] = {}
    for title, label, xs, ys in series:
        out.setdefault(title, []).append((label, xs, ys))
    return out
