// The markdown table of a benchmark run: one row per variant and measure, ours first with the target, then
// each other variant with ours ÷ it. A variant's own time comes first; `wall` (the whole call, when the variant
// timed only its program) and other measures such as `cpu` follow on rows of their own. Figures are ms unless
// the case has another `unit` (KiB for disk); a case's further `measures` (peak RSS, efficiency) close its rows.
const LABELS = { wall: 'whole call', cpu: 'cpu time (user+sys)', run: 'the run (results.json durationMs)' };
const suffix = (unit) => (!unit || unit === 'ms' ? 'Ms' : unit);
const med = (s, unit) => s[`median${suffix(unit)}`] + (unit && unit !== 'ms' ? ` ${unit}` : '');
const range = (s, unit) => `${s[`min${suffix(unit)}`]}–${s[`max${suffix(unit)}`]}`;
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
  return Object.entries(r.variants)
    .flatMap(([name, s]) => {
      const vs = r.ratios[name];
      const own = `| ${r.name} | ${name} | ${med(s, r.unit)} | ${range(s, r.unit)} | ${ratioCell(vs, name === r.baseline)} | ${name === r.ours ? targetCell(r) : ''} |`;
      const more = Object.entries(s)
        .filter(([, v]) => isSeries(v))
        .map(([series, v]) => {
          const unit = series === 'wall' ? 'ms' : r.unit;
          return `| ${r.name} | ${name}, ${LABELS[series] ?? series} | ${med(v, unit)} | ${range(v, unit)} | ${ratioCell(vs?.[series], false)} | |`;
        });
      return [own, ...more];
    })
    .concat(
      Object.entries(r.measures ?? {}).map(
        ([label, m]) => `| ${r.name} | ${label} | ${med(m, m.unit)} | ${range(m, m.unit)} | | |`,
      ),
    );
}

export function table(results) {
  const head = [
    '| case | variant | median (ms unless said) | range | ours ÷ this: medians (paired; minima) | target |',
    '|---|---|---:|---:|---:|---|',
  ];
  return [...head, ...results.flatMap(rows)].join('\n');
}
