// Two small SVG charts for the investor dashboard (a line chart and a bar chart), drawn with
// DOM calls only: no library, nothing that a strict content security policy would refuse.

const SVG_NS = 'http://www.w3.org/2000/svg';
const number = new Intl.NumberFormat('en-US');
const fmt = (value) => number.format(value);

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

const H = 240;
/** Charts are drawn at their box's shape: a wide one gets a wider drawing, not bigger text. */
let W = 640;
const PAD = { top: 28, right: 12, bottom: 28, left: 48 };

function niceMax(value) {
  if (value <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= value) return m * step;
  return 10 * step;
}

/** The frame of a chart: the y grid with its labels, and a few dates on the x axis. */
function frame(dates, max) {
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
  const plotH = H - PAD.top - PAD.bottom;
  for (let i = 0; i <= 4; i++) {
    const y = PAD.top + plotH - (plotH * i) / 4;
    root.append(svg('line', { class: 'axis', x1: PAD.left, x2: W - PAD.right, y1: y, y2: y }));
    const label = fmt(Number(((max * i) / 4).toFixed(2)));
    root.append(
      svg('text', { class: 'tick', x: PAD.left - 6, y: y + 4, 'text-anchor': 'end' }, label),
    );
  }
  const step = Math.max(1, Math.ceil(dates.length / 6));
  dates.forEach((date, i) => {
    if (i % step !== 0 && i !== dates.length - 1) return;
    const x = xOf(i, dates.length);
    const anchor = i === dates.length - 1 && dates.length > 1 ? 'end' : 'middle';
    root.append(svg('text', { class: 'tick', x, y: H - 8, 'text-anchor': anchor }, date.slice(5)));
  });
  return root;
}

function xOf(i, n) {
  const plotW = W - PAD.left - PAD.right;
  return PAD.left + (n <= 1 ? plotW / 2 : (plotW * i) / (n - 1));
}

function yOf(value, max) {
  const plotH = H - PAD.top - PAD.bottom;
  return PAD.top + plotH - (plotH * value) / max;
}

function legend(root, names) {
  let x = PAD.left;
  names.forEach((name, i) => {
    root.append(svg('rect', { class: `s${i + 1}`, x, y: 8, width: 10, height: 10 }));
    root.append(svg('text', { class: 'legend', x: x + 14, y: 17 }, name));
    x += 24 + name.length * 7;
  });
}

export function lineChart(figure, dates, series) {
  W = figure.classList.contains('wide') ? 1280 : 640;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const root = frame(dates, max);
  series.forEach((s, i) => {
    const d = s.values
      .map(
        (v, j) =>
          `${j === 0 ? 'M' : 'L'}${xOf(j, dates.length).toFixed(1)},${yOf(v, max).toFixed(1)}`,
      )
      .join(' ');
    const path = svg('path', { class: `series s${i + 1}`, d, 'data-series': s.name });
    path.append(svg('title', {}, s.name));
    root.append(path);
  });
  legend(
    root,
    series.map((s) => s.name),
  );
  draw(figure, root);
}

export function barChart(figure, dates, values, name) {
  W = figure.classList.contains('wide') ? 1280 : 640;
  const max = niceMax(Math.max(0, ...values));
  const root = frame(dates, max);
  const plotW = W - PAD.left - PAD.right;
  const width = Math.max(1, (plotW / Math.max(1, dates.length)) * 0.7);
  values.forEach((v, i) => {
    const y = yOf(v, max);
    const bar = svg('rect', {
      class: 'bar',
      x: (xOf(i, dates.length) - width / 2).toFixed(1),
      y: y.toFixed(1),
      width: width.toFixed(1),
      height: (H - PAD.bottom - y).toFixed(1),
    });
    bar.append(svg('title', {}, `${dates[i]}: ${v} ${name}`));
    root.append(bar);
  });
  draw(figure, root);
}

function draw(figure, root) {
  figure.querySelector('svg')?.remove();
  figure.append(root);
}
