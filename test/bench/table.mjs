// The markdown table of a benchmark run: one row per variant and measure, ours first with the target, then
// each other variant with ours ÷ it and the target about it, if any; a variant that cannot run on the host
// says why. A variant's own time comes first; `wall` (the whole call, when the variant
// timed only its program) and other measures such as `cpu` follow on rows of their own. Figures are ms unless
// the case has another `unit` (KiB for disk); a case's further `measures` (peak RSS, efficiency) close its rows.
const LABELS = {
  wall: 'whole call',
  cpu: 'cpu time (user+sys)',
  run: 'the run (results.json durationMs)',
  fetchedKiB: 'KiB fetched from the mirror',
};
const suffix = (unit) => (!unit || unit === 'ms' ? 'Ms' : unit);
const med = (s, unit) => s[`median${suffix(unit)}`] + (unit && unit !== 'ms' ? ` ${unit}` : '');
const range = (s, unit) => `${s[`min${suffix(unit)}`]}–${s[`max${suffix(unit)}`]}`;
/** Text in a markdown table cell: a `|` would end the cell. */
const escape = (text) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const isSeries = (v) => typeof v === 'object' && !Array.isArray(v);

/** A case's targets: `targets` (one per compared variant), or from an older results.json its one `target`. */
export function targetsOf(r) {
  if (r.targets) return r.targets;
  return r.target === null || r.target === undefined
    ? []
    : [{ vs: r.baseline, target: r.target, ratio: r.ratio, pairedRatio: r.pairedRatio, met: r.met }];
}

/** The target about variant `name`, on that variant's row (where ours ÷ it is), with its verdict. */
function targetCell(r, name) {
  const t = targetsOf(r).find((x) => x.vs === name);
  if (!t) return '';
  const verdict = t.skipped ? ': not judged' : t.met === null ? '' : t.met ? ': met' : ': **not met**';
  return `≤ ${t.target.toFixed(2)}${verdict}`;
}

function ratioCell(vs, bold) {
  return vs ? `${bold ? `**${vs.ratio}**` : vs.ratio} (${vs.pairedRatio}; ${vs.minRatio})` : '';
}

function rows(r) {
  if (r.skipped) return [`| ${r.name} | skipped: ${escape(r.skipped)} | | | | |`];
  return Object.entries(r.variants)
    .flatMap(([name, s]) => {
      const vs = r.ratios[name];
      const own = `| ${r.name} | ${name} | ${med(s, r.unit)} | ${range(s, r.unit)} | ${ratioCell(vs, name === r.baseline)} | ${targetCell(r, name)} |`;
      const more = Object.entries(s)
        .filter(([, v]) => isSeries(v))
        .map(([series, v]) => {
          const unit = series === 'wall' ? 'ms' : r.unit;
          return `| ${r.name} | ${name}, ${LABELS[series] ?? series} | ${med(v, unit)} | ${range(v, unit)} | ${ratioCell(vs?.[series], false)} | |`;
        });
      return [own, ...more];
    })
    .concat(
      Object.entries(r.unavailable ?? {}).map(
        ([name, why]) => `| ${r.name} | ${name} | not run: ${escape(why)} | | | ${targetCell(r, name)} |`,
      ),
      Object.entries(r.measures ?? {}).map(
        ([label, m]) => `| ${r.name} | ${label} | ${med(m, m.unit)} | ${range(m, m.unit)} | | |`,
      ),
    );
}

export function table(results) {
  const head = [
    '| case | variant | median (ms unless said) | range (min–max) | ours ÷ this: medians (paired; minima) | target for ours ÷ this |',
    '|---|---|---:|---:|---:|---|',
  ];
  return [...head, ...results.flatMap(rows)].join('\n');
}
