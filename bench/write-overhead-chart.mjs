import { writeFileSync } from 'node:fs';

/**
 * Two small line charts side by side: added p50 TTFT (ms) and throughput ratio, by clients.
 * Ferry's lines are solid; the minimal translator's, when the run measured it, dashed.
 */
export function writeChart(file, rows) {
  const withMinimal = rows.some((row) => Number.isFinite(row.minimalRatio));
  const series = new Map();
  for (const row of rows) {
    const key = `${row.body} ${row.stream ? 'stream' : 'non-stream'}`;
    if (!series.has(key)) series.set(key, []);
    series.get(key).push(row);
  }
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const levels = [...new Set(rows.map((row) => row.concurrency))].sort((a, b) => a - b);
  const panel = (x0, title, value, minimalValue, max, format) => {
    const w = 340,
      h = 220,
      left = x0 + 50,
      top = 40,
      plotW = w - 70,
      plotH = h - 80;
    const px = (i) => left + (levels.length === 1 ? plotW / 2 : (i / (levels.length - 1)) * plotW);
    const py = (v) => top + plotH - (Math.max(0, v) / max) * plotH;
    let svg = `<text x="${x0 + w / 2}" y="20" text-anchor="middle" font-size="13">${title}</text>`;
    svg += `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`;
    svg += `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>`;
    for (let t = 0; t <= 4; t++) {
      const v = (max * t) / 4;
      svg += `<text x="${left - 6}" y="${py(v) + 4}" text-anchor="end" font-size="10">${format(v)}</text>`;
    }
    levels.forEach((level, i) => {
      svg += `<text x="${px(i)}" y="${top + plotH + 14}" text-anchor="middle" font-size="10">${level}</text>`;
    });
    svg += `<text x="${left + plotW / 2}" y="${top + plotH + 30}" text-anchor="middle" font-size="11">concurrent clients</text>`;
    const line = (points, s, of, dash) => {
      const path = points
        .map((row) => `${px(levels.indexOf(row.concurrency))},${py(of(row))}`)
        .join(' ');
      return `<polyline points="${path}" fill="none" stroke="${colors[s % colors.length]}" stroke-width="2"${dash}/>`;
    };
    [...series.values()].forEach((points, s) => {
      svg += line(points, s, value, '');
      if (withMinimal) svg += line(points, s, minimalValue, ' stroke-dasharray="5,4"');
    });
    return svg;
  };
  const added = rows.flatMap((row) => [row.addedP50, withMinimal ? row.minimalAddedP50 : NaN]);
  const maxAdded = Math.max(1, ...added.filter(Number.isFinite));
  const legendLines = series.size + (withMinimal ? 1 : 0);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="700" height="${260 + legendLines * 16}" font-family="sans-serif">`;
  svg += `<rect width="100%" height="100%" fill="white"/>`;
  svg += panel(
    0,
    'Added p50 time to first token (ms)',
    (row) => row.addedP50,
    (row) => row.minimalAddedP50,
    maxAdded * 1.1,
    (v) => v.toFixed(1),
  );
  svg += panel(
    350,
    'Throughput / direct (solid: Ferry)',
    (row) => row.ratio,
    (row) => row.minimalRatio,
    1,
    (v) => v.toFixed(2),
  );
  [...series.keys()].forEach((key, s) => {
    const y = 250 + s * 16;
    svg += `<rect x="60" y="${y - 9}" width="14" height="4" fill="${colors[s % colors.length]}"/><text x="80" y="${y - 4}" font-size="11">${key}</text>`;
  });
  if (withMinimal) {
    const y = 250 + series.size * 16;
    svg += `<line x1="60" y1="${y - 7}" x2="74" y2="${y - 7}" stroke="#333" stroke-width="2" stroke-dasharray="5,4"/><text x="80" y="${y - 4}" font-size="11">dashed: the minimal translator (bench/minimal-translator.mjs), same run</text>`;
  }
  writeFileSync(file, `${svg}</svg>\n`);
}
