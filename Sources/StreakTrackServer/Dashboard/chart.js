// The daily attendance chart, drawn as SVG by hand (no library): one bar per
// school day on a 0–100% axis, the threshold as a dashed line, bars under it
// in the warning colour. The viewBox scales it to any width, print included.

import { svg, formatDay, percent, parseDay } from './dom.js';

const W = 900;
const H = 300;
const M = { top: 18, right: 16, bottom: 46, left: 48 };

export function dailyChart(daily, threshold, { id, title, today }) {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const y = (rate) => M.top + plotH * (1 - rate);
  const n = Math.max(1, daily.length);
  const band = plotW / n;
  const barW = Math.max(1, Math.min(28, band * 0.72));
  const x = (i) => M.left + band * i + (band - barW) / 2;
  const parts = [];

  parts.push(svg('title', { id: `${id}-title` }, title));
  const avg = daily.length ? daily.reduce((a, d) => a + (d.rate ?? 0), 0) / daily.length : null;
  parts.push(svg('desc', { id: `${id}-desc` },
    daily.length ? `${daily.length} school days, average ${percent(avg)}, threshold ${percent(threshold)}.` : 'No school day in this period.'));

  // Horizontal grid and y labels every 25%.
  for (const r of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(svg('line', { class: 'grid', x1: M.left, x2: W - M.right, y1: y(r), y2: y(r) }));
    parts.push(svg('text', { class: 'axis-label', x: M.left - 8, y: y(r) + 4, 'text-anchor': 'end' }, percent(r)));
  }

  // Bars; a label under every bar when they fit, else under every k-th and at month starts.
  const every = Math.ceil(n / 31) > 1 ? Math.ceil(n / 24) : 1;
  let lastMonth = null;
  daily.forEach((d, i) => {
    const rate = d.rate ?? 0;
    const under = d.rate != null && d.rate < threshold;
    // Today is not over: only those marked so far count, so its rate is not comparable yet.
    const isToday = d.inProgress || d.day === today;
    parts.push(svg('rect', {
      class: isToday ? 'bar bar-today' : under ? 'bar bar-under' : 'bar', x: x(i), y: y(rate), width: barW,
      height: Math.max(0, y(0) - y(rate)), 'data-day': d.day,
    }, svg('title', {}, `${formatDay(d.day)}${isToday ? ' (today, so far)' : ''}: ${percent(d.rate, 1)} (${d.attended} of ${d.expected})`)));
    const month = d.day.slice(0, 7);
    const cx = x(i) + barW / 2;
    if (i % every === 0) {
      parts.push(svg('text', { class: 'axis-label', x: cx, y: H - M.bottom + 16, 'text-anchor': 'middle' }, String(parseDay(d.day).getDate())));
    }
    if (month !== lastMonth) {
      parts.push(svg('text', { class: 'axis-label axis-month', x: x(i), y: H - M.bottom + 34, 'text-anchor': 'start' },
        parseDay(d.day).toLocaleDateString(undefined, { month: 'short', year: 'numeric' })));
      if (lastMonth) parts.push(svg('line', { class: 'month-sep', x1: x(i) - (band - barW) / 2, x2: x(i) - (band - barW) / 2, y1: M.top, y2: H - M.bottom + 22 }));
      lastMonth = month;
    }
  });

  // Axes, then the threshold over the bars.
  parts.push(svg('line', { class: 'axis', x1: M.left, x2: M.left, y1: M.top, y2: y(0) }));
  parts.push(svg('line', { class: 'axis', x1: M.left, x2: W - M.right, y1: y(0), y2: y(0) }));
  parts.push(svg('line', { class: 'threshold', x1: M.left, x2: W - M.right, y1: y(threshold), y2: y(threshold) }));
  parts.push(svg('text', { class: 'threshold-label', x: M.left + 6, y: y(threshold) - 6, 'text-anchor': 'start' }, `threshold ${percent(threshold)}`));
  if (!daily.length) {
    parts.push(svg('text', { class: 'axis-label', x: M.left + plotW / 2, y: M.top + plotH / 2, 'text-anchor': 'middle' }, 'No school day in this period'));
  }

  return svg('svg', {
    id, class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc`, preserveAspectRatio: 'xMidYMid meet',
  }, parts);
}

// Monthly averages as small horizontal bars (a table, readable without the chart).
export function monthBar(rate, threshold) {
  const width = 160;
  const w = Math.max(0, Math.min(1, rate ?? 0)) * width;
  return svg('svg', { class: 'month-bar', viewBox: `0 0 ${width} 12`, width, height: 12, 'aria-hidden': 'true' },
    svg('rect', { class: 'month-bar-bg', x: 0, y: 0, width, height: 12, rx: 3 }),
    svg('rect', { class: rate != null && rate < threshold ? 'bar bar-under' : 'bar', x: 0, y: 0, width: w, height: 12, rx: 3 }),
    svg('line', { class: 'threshold', x1: threshold * width, x2: threshold * width, y1: 0, y2: 12 }));
}
