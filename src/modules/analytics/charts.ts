// Server-drawn SVG charts: pure functions of numbers, no library and no script. Each chart is an image with a
// <title> and <desc> for screen readers; the page puts the same figures in a table beside it.
import { html, raw, type SafeHtml } from "../../views/html.ts";

export interface Segment {
  name: string;
  value: number;
  color: string;
}

export interface StackedBar {
  label: string;
  segments: Segment[];
}

let sequence = 0;
/** Ids unique within a page render (two charts must not share a <title> id). */
const nextId = (prefix: string) => `${prefix}-${(sequence = (sequence + 1) % 1_000_000)}`;

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** A "nice" axis maximum ≥ max: 1, 2 or 5 times a power of ten. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** Vertical stacked bars (e.g. sessions per week by outcome), with a legend and a light grid. */
export function stackedBarChart(opts: { title: string; description: string; bars: StackedBar[]; legend: Omit<Segment, "value">[] }): SafeHtml {
  const id = nextId("chart");
  // A narrow drawing: on a phone it is shown near its own size, so the labels stay readable.
  const width = 400;
  const height = 200;
  const left = 36;
  const bottom = 28;
  const top = 10;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(0, ...opts.bars.map((b) => b.segments.reduce((s, x) => s + x.value, 0))));
  const slot = opts.bars.length ? plotW / opts.bars.length : plotW;
  const barW = Math.max(1, Math.min(40, slot * 0.7));
  // At most ~6 axis labels whatever the number of bars, so they never overlap on a phone.
  const every = Math.max(1, Math.ceil(opts.bars.length / 6));
  const parts: string[] = [];
  for (const fraction of [0, 0.5, 1]) {
    const y = top + plotH - fraction * plotH;
    parts.push(`<line x1="${left}" x2="${width - 8}" y1="${y}" y2="${y}" stroke="#d1d5db" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#374151">${fmt(max * fraction)}</text>`);
  }
  opts.bars.forEach((bar, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    let y = top + plotH;
    for (const seg of bar.segments) {
      if (seg.value <= 0) continue;
      const h = (seg.value / max) * plotH;
      y -= h;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${seg.color}"/>`);
    }
    if (i % every === 0)
      parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${height - 10}" text-anchor="middle" font-size="11" fill="#374151">${escapeText(bar.label)}</text>`);
  });
  return html`<figure class="chart">
<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${id}-t ${id}-d" focusable="false"><title id="${id}-t">${opts.title}</title><desc id="${id}-d">${opts.description}</desc>${raw(parts.join(""))}</svg>
${legend(opts.legend)}
</figure>`;
}

export interface HBar {
  label: string;
  value: number;
  /** What the bar's end says, e.g. "42 (31 %)". */
  text: string;
}

/** Horizontal bars (reasons, outcomes, offers): one row per item, labels above the bars so long names fit a phone. */
export function horizontalBarChart(opts: { title: string; description: string; bars: HBar[]; color: string; max?: number }): SafeHtml {
  const id = nextId("chart");
  const width = 400;
  const row = 40;
  const height = Math.max(row, opts.bars.length * row) + 4;
  const max = opts.max ?? Math.max(1, ...opts.bars.map((b) => b.value));
  const labelW = 0;
  const parts: string[] = [];
  opts.bars.forEach((bar, i) => {
    const y = i * row;
    const w = Math.max(bar.value > 0 ? 2 : 0, ((width - 130 - labelW) * bar.value) / max);
    parts.push(`<text x="0" y="${y + 13}" font-size="13" fill="#111827">${escapeText(bar.label)}</text>`);
    parts.push(`<rect x="0" y="${y + 18}" width="${w.toFixed(1)}" height="14" rx="2" fill="${opts.color}"/>`);
    parts.push(`<text x="${(w + 6).toFixed(1)}" y="${y + 30}" font-size="12" fill="#374151">${escapeText(bar.text)}</text>`);
  });
  return html`<figure class="chart">
<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${id}-t ${id}-d" focusable="false"><title id="${id}-t">${opts.title}</title><desc id="${id}-d">${opts.description}</desc>${raw(parts.join(""))}</svg>
</figure>`;
}

function legend(items: Omit<Segment, "value">[]): SafeHtml {
  if (!items.length) return html``;
  // The swatches are tiny SVGs too: no inline style is allowed under the dashboard's CSP.
  return html`<ul class="chart-legend">${items.map(
    (item) => html`<li><svg width="12" height="12" aria-hidden="true" focusable="false"><rect width="12" height="12" rx="2" fill="${item.color}"/></svg> ${item.name}</li>`,
  )}</ul>`;
}

function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
