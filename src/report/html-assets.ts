// The report's own stylesheet and script, inlined into report.html so that the file opens anywhere,
// offline. The script never puts log text into innerHTML: it splits text nodes and adds <mark> elements.

export const REPORT_CSS = `
:root { --pass: #1a7f37; --flaky: #bf8700; --fail: #cf222e; --time: #bc4c00; --oom: #8250df; --error: #9a6700; --cancel: #6e7781;
  --image: #0969da; --setup: #8250df; --test: #1f883d; --line: #d0d7de; font-family: system-ui, sans-serif; color: #1f2328; }
body { margin: 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; } h2 { font-size: 1.1rem; margin: 1.8rem 0 .6rem; }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.run dt { color: #59636e; } dl.run dd { margin: 0; }
.summary { font-weight: 600; } .summary.ok { color: var(--pass); } .summary.bad { color: var(--fail); }
table { border-collapse: separate; border-spacing: 3px; }
th { text-align: left; font-weight: 600; padding: 4px 8px; }
#grid td { padding: 10px 14px; min-width: 5.5rem; border-radius: 4px; background: #f6f8fa; color: #fff; }
#grid td a { color: inherit; text-decoration: none; display: block; font-weight: 600; }
#grid td small { display: block; font-weight: 400; opacity: .9; }
#grid td.empty { color: #8c959f; text-align: center; }
.status-passed { background: var(--pass) !important; } .status-flaky { background: var(--flaky) !important; }
.status-failed { background: var(--fail) !important; } .status-timed-out { background: var(--time) !important; }
.status-oom-killed { background: var(--oom) !important; } .status-error { background: var(--error) !important; }
.status-cancelled { background: var(--cancel) !important; }
.badge { display: inline-block; min-width: 3.2rem; text-align: center; color: #fff; border-radius: 3px; padding: 0 4px; font-size: .8rem; font-weight: 600; }
.timings td { padding: 2px 8px; vertical-align: middle; } .timings td.what { font-size: .85rem; color: #59636e; white-space: nowrap; }
.bar { display: flex; width: 40vw; min-width: 12rem; height: 14px; background: #f6f8fa; border-radius: 2px; overflow: hidden; }
.bar span { display: block; height: 100%; }
.phase-image { background: var(--image); } .phase-setup { background: var(--setup); } .phase-test { background: var(--test); }
.legend span { display: inline-block; width: .8rem; height: .8rem; margin: 0 .3rem 0 1rem; vertical-align: middle; }
.images td { padding: 2px 8px; font-family: ui-monospace, monospace; font-size: .85rem; }
details.log { border: 1px solid var(--line); border-radius: 6px; margin: .4rem 0; }
details.log > summary { cursor: pointer; padding: .4rem .6rem; }
details.log .why { color: #59636e; }
.tools { padding: .3rem .6rem; border-top: 1px solid var(--line); font-size: .85rem; }
.tools input[type=search] { width: 22rem; max-width: 60vw; }
.tools .count { color: #59636e; margin-left: .6rem; }
pre { margin: 0; padding: .5rem .6rem; overflow-x: auto; background: #f6f8fa; font-size: .8rem; line-height: 1.35; max-height: 70vh; }
pre span { display: block; white-space: pre-wrap; }
pre span[hidden] { display: none; }
mark { background: #fff8c5; outline: 1px solid #d4a72c; }
section.explain { margin: .4rem .6rem; } section.explain h3 { font-size: .9rem; margin: .3rem 0; }
pre.explain { background: #fff8f0; border-left: 3px solid var(--fail); white-space: pre-wrap; }
table.packages { font-family: ui-monospace, monospace; font-size: .8rem; margin: .3rem .6rem; }
table.packages td { padding: 0 8px; } .note { margin: .3rem .6rem; color: #59636e; }
`;

export const REPORT_JS = `
(() => {
  const openFromHash = () => {
    const el = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (el && el.tagName === 'DETAILS') { el.open = true; el.scrollIntoView(); }
  };
  addEventListener('hashchange', openFromHash);
  openFromHash();
  // Every character but letters, digits and spaces is escaped: the search is for the text as typed.
  const pattern = (q) => new RegExp('(' + q.replace(/[^\\w\\s]/g, '\\\\$&') + ')', 'i');
  const marked = (text, re) => text.split(re).map((part, i) => {
    if (i % 2 === 0) return part;
    const m = document.createElement('mark');
    m.textContent = part;
    return m;
  });
  for (const box of document.querySelectorAll('details.log')) {
    // A log's own box has the search tools; a box within it (a service's log, the inventory) has none.
    const input = box.querySelector(':scope > .tools input[type=search]');
    if (!input) continue;
    const only = box.querySelector('input[type=checkbox]');
    const count = box.querySelector('.count');
    const lines = [...box.querySelectorAll('pre > span')];
    const texts = lines.map((l) => l.textContent);
    let touched = new Set();
    const apply = () => {
      const re = input.value ? pattern(input.value) : null;
      const next = new Set();
      lines.forEach((line, i) => {
        const hit = re !== null && re.test(texts[i]);
        if (hit) { line.replaceChildren(...marked(texts[i], re)); next.add(i); }
        else if (touched.has(i)) line.replaceChildren(texts[i]);
        line.hidden = re !== null && only.checked && !hit;
      });
      touched = next;
      count.textContent = re ? next.size + ' of ' + lines.length + ' lines match' : lines.length + ' lines';
    };
    input.addEventListener('input', apply);
    only.addEventListener('change', apply);
    apply();
  }
})();
`;
