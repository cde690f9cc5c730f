// The markdown table of a benchmark run: one row per variant and measure, ours first with the target, then
// each other variant with ours ÷ it. A variant's own time comes first; `wall` (the whole call, when the variant
// timed only its program) and other measures such as `cpu` follow on rows of their own.
const LABELS = { wall: 'whole call', cpu: 'cpu time (user+sys)' };
const range = (s) => `${s.minMs}–${s.maxMs}`;
const isSeries = (v) => typeof v === 'object' && !Array.isArray(v);

function targetCell(r) {
  if (r.target === null) return '';
  const verdict = r.met === null ? '' : r.met ? ': met' : ': **not met**';
  return `≤ ${r.target.toFixed(2)} vs ${r.baseline}${verdict}`;
}

function ratioCell(vs, bold) {
  return vs ? `${bold ? `**${vs.ratio}**` : vs.ratio} (${vs.pairedRatio}; ${vs.minRatio})` : '';
}

function rows(r) {
  if (r.skipped) return [`| ${r.name} | skipped: ${r.skipped} | | | | |`];
  return Object.entries(r.variants).flatMap(([name, s]) => {
    const vs = r.ratios[name];
    const own = `| ${r.name} | ${name} | ${s.medianMs} | ${range(s)} | ${ratioCell(vs, name === r.baseline)} | ${name === r.ours ? targetCell(r) : ''} |`;
    const more = Object.entries(s).filter(([, v]) => isSeries(v)).map(([series, v]) =>
      `| ${r.name} | ${name}, ${LABELS[series] ?? series} | ${v.medianMs} | ${range(v)} | ${ratioCell(vs?.[series], false)} | |`);
    return [own, ...more];
  });
}

export function table(results) {
  const head = ['| case | variant | median ms | range ms | ours ÷ this: medians (paired; minima) | target |', '|---|---|---:|---:|---:|---|'];
  return [...head, ...results.flatMap(rows)].join('\n');
}
