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
/**
 * Charts are drawn at the width their box has on screen, so text keeps its size (11-12 px) on
 * a phone and a wide screen alike; the page draws them again when the window changes width.
 */
let W = 640;
const widthOf = (figure) => Math.max(260, Math.round(figure.clientWidth - 32));
const PAD = { top: 20, right: 12, bottom: 28, left: 48 };

function niceMax(value) {
  if (value <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= value) return m * step;
  return 10 * step;
}

/**
 * The frame of a chart: the y grid with its labels, and a few dates on the x axis. `marks`
 * says which days are partial (today: shaded and labelled) and which have no data at all
 * (runs of them labelled "no data": a gap, never a fall to zero).
 */
function frame(dates, max, marks = {}) {
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img' });
  const plotH = H - PAD.top - PAD.bottom;
  const half = dates.length > 1 ? (xOf(1, dates.length) - xOf(0, dates.length)) / 2 : 12;
  for (const [first, last] of runs(marks.missing ?? [])) {
    // shaded behind the grid, inside the plot
    const x = Math.max(PAD.left, xOf(first, dates.length) - half);
    const width = Math.min(W - PAD.right, xOf(last, dates.length) + half) - x;
    root.append(
      svg('rect', {
        class: 'nodata',
        x: x.toFixed(1),
        y: PAD.top,
        width: width.toFixed(1),
        height: H - PAD.top - PAD.bottom,
      }),
    );
    if (width >= 56) {
      root.append(
        svg(
          'text',
          {
            class: 'tick nodata-label',
            x: x + width / 2,
            y: PAD.top + 16,
            'text-anchor': 'middle',
          },
          'no data',
        ),
      );
    }
  }
  // today's numbers are still coming in: its day is shaded and labelled
  const last = (marks.partial ?? []).lastIndexOf(true);
  if (last >= 0) {
    const x = xOf(last, dates.length);
    root.append(
      svg('rect', {
        class: 'partial',
        x: (x - half).toFixed(1),
        y: PAD.top,
        width: (half * 2).toFixed(1),
        height: H - PAD.top - PAD.bottom,
      }),
    );
    root.append(
      svg(
        'text',
        { class: 'tick partial-label', x, y: PAD.top - 6, 'text-anchor': 'end' },
        'today (partial)',
      ),
    );
  }
  // the grid over the shading
  for (let i = 0; i <= 4; i++) {
    const y = PAD.top + plotH - (plotH * i) / 4;
    root.append(svg('line', { class: 'axis', x1: PAD.left, x2: W - PAD.right, y1: y, y2: y }));
    const label = fmt(Number(((max * i) / 4).toFixed(2)));
    root.append(
      svg('text', { class: 'tick', x: PAD.left - 6, y: y + 4, 'text-anchor': 'end' }, label),
    );
  }
  const step = Math.max(1, Math.ceil(dates.length / Math.max(2, Math.floor(W / 110))));
  dates.forEach((date, i) => {
    const end = dates.length - 1;
    if (i % step !== 0 && i !== end) return;
    if (i !== end && end - i < step * 0.7) return; // too close to the last day's label
    const x = xOf(i, dates.length);
    const anchor = i === dates.length - 1 && dates.length > 1 ? 'end' : 'middle';
    root.append(svg('text', { class: 'tick', x, y: H - 8, 'text-anchor': anchor }, date.slice(5)));
  });
  return root;
}

/** The runs of true in a list of booleans, as [first, last] index pairs. */
function runs(flags) {
  const found = [];
  flags.forEach((flag, i) => {
    if (!flag) return;
    const run = found.at(-1);
    if (run && run[1] === i - 1) run[1] = i;
    else found.push([i, i]);
  });
  return found;
}

function xOf(i, n) {
  const plotW = W - PAD.left - PAD.right;
  return PAD.left + (n <= 1 ? plotW / 2 : (plotW * i) / (n - 1));
}

function yOf(value, max) {
  const plotH = H - PAD.top - PAD.bottom;
  return PAD.top + plotH - (plotH * value) / max;
}

/** The names of the series, as HTML under the caption: they wrap on a narrow screen. */
function legend(figure, names) {
  figure.querySelector('.keys')?.remove();
  const keys = document.createElement('div');
  keys.className = 'keys';
  names.forEach((name, i) => {
    const key = document.createElement('span');
    const swatch = document.createElement('i');
    swatch.className = `s${i + 1}`;
    key.append(swatch, document.createTextNode(name));
    keys.append(key);
  });
  figure.querySelector('figcaption')?.after(keys);
}

/** The days no series has a value for. */
const missingDays = (dates, series) =>
  dates.map((_, j) => series.every((values) => values[j] === null || values[j] === undefined));

/**
 * A line a series; a day without data (null) is a gap in the line, never a fall to zero. The
 * step into a partial day (today) is dashed: its value is still growing.
 */
export function lineChart(figure, dates, series, { partial = [] } = {}) {
  W = widthOf(figure);
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v) => v !== null))));
  const missing = missingDays(
    dates,
    series.map((s) => s.values),
  );
  const root = frame(dates, max, { partial, missing });
  const point = (v, j) => `${xOf(j, dates.length).toFixed(1)},${yOf(v, max).toFixed(1)}`;
  const has = (v) => v !== null && v !== undefined;
  series.forEach((s, i) => {
    let pen = 'M';
    const parts = [];
    let dashed = null;
    s.values.forEach((v, j) => {
      if (!has(v)) {
        pen = 'M';
        return;
      }
      if (partial[j] && j > 0 && has(s.values[j - 1])) {
        dashed = `M${point(s.values[j - 1], j - 1)} L${point(v, j)}`;
        pen = 'M';
        return;
      }
      parts.push(`${pen}${point(v, j)}`);
      pen = 'L';
    });
    const path = svg('path', {
      class: `series s${i + 1}`,
      d: parts.join(' '),
      'data-series': s.name,
    });
    path.append(svg('title', {}, s.name));
    root.append(path);
    if (dashed) root.append(svg('path', { class: `partial-step s${i + 1}`, d: dashed }));
    // a day with data between two without (or a range of one day) is a dot: a lone point of
    // a path draws nothing
    s.values.forEach((v, j) => {
      if (has(v) && !has(s.values[j - 1]) && !has(s.values[j + 1])) {
        const [x, y] = point(v, j).split(',');
        root.append(svg('circle', { class: `dot s${i + 1}`, cx: x, cy: y, r: 3 }));
      }
    });
  });
  legend(
    figure,
    series.map((s) => s.name),
  );
  draw(figure, root);
}

export function barChart(figure, dates, values, name, { partial = [] } = {}) {
  W = widthOf(figure);
  const max = niceMax(Math.max(0, ...values.filter((v) => v !== null)));
  const root = frame(dates, max, { partial, missing: missingDays(dates, [values]) });
  const plotW = W - PAD.left - PAD.right;
  const width = Math.max(1, (plotW / Math.max(1, dates.length)) * 0.7);
  values.forEach((v, i) => {
    if (v === null || v === undefined) return; // no data that day: no bar, not a zero
    const y = yOf(v, max);
    const bar = svg('rect', {
      class: partial[i] ? 'bar partial-bar' : 'bar',
      x: (xOf(i, dates.length) - width / 2).toFixed(1),
      y: y.toFixed(1),
      width: width.toFixed(1),
      height: (H - PAD.bottom - y).toFixed(1),
    });
    bar.append(svg('title', {}, `${dates[i]}: ${v} ${name}${partial[i] ? ' (so far today)' : ''}`));
    root.append(bar);
  });
  draw(figure, root);
}

function draw(figure, root) {
  figure.querySelector('svg')?.remove();
  figure.append(root);
}

/** A small line for a headline number: its series over the range, no axes. */
export function sparkline(values) {
  const w = 120;
  const h = 28;
  const shown = values.filter((v) => v !== null && v !== undefined);
  const max = Math.max(1, ...shown);
  const root = svg('svg', { class: 'spark', viewBox: `0 0 ${w} ${h}`, 'aria-hidden': 'true' });
  let pen = 'M';
  const d = values
    .map((v, i) => {
      if (v === null || v === undefined) {
        pen = 'M';
        return '';
      }
      const x = values.length > 1 ? (w * i) / (values.length - 1) : w / 2;
      const point = `${pen}${x.toFixed(1)},${(h - 2 - ((h - 4) * v) / max).toFixed(1)}`;
      pen = 'L';
      return point;
    })
    .filter(Boolean)
    .join(' ');
  root.append(svg('path', { d }));
  return root;
}
