package tracehtml

// css is the page's only style; CSP allows it by its hash.
const css = `
:root { color-scheme: light; --fg: #1b1b1b; --muted: #666; --line: #e0e0e0; --bad: #b71c1c; --good: #1b5e20; }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); margin: 0; }
header { background: #263238; color: #fff; padding: 10px 18px; position: sticky; top: 0; z-index: 2; }
header h1 { font-size: 17px; margin: 0 0 4px; word-break: break-all; }
header .meta { margin: 0 0 6px; color: #cfd8dc; font-size: 12px; }
header nav a { color: #80deea; margin-right: 12px; }
header .warning { color: #ffcc80; }
main { padding: 8px 18px 40px; }
h2 { font-size: 16px; border-bottom: 2px solid var(--line); padding-bottom: 3px; margin-top: 22px; }
h4 { margin: 10px 0 4px; font-size: 13px; }
h5 { margin: 0 0 4px; font-size: 13px; color: #37474f; }
.hint { color: var(--muted); font-size: 12px; }
details.rec { border-bottom: 1px solid var(--line); }
details.rec > summary { font: 12px/1.7 ui-monospace, monospace; cursor: pointer; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; padding: 0 4px; }
details.rec[open] > summary { background: #eceff1; white-space: normal; }
summary .seq { display: inline-block; width: 4em; text-align: right; color: var(--muted); }
summary .t { display: inline-block; width: 6.5em; text-align: right; color: var(--muted); }
summary .kind { display: inline-block; width: 9.5em; }
summary .type { display: inline-block; min-width: 15em; font-weight: 600; }
summary .state { color: #00695c; }
.k-intent .kind { color: #8d6e00; }
.k-transition .kind { color: #00838f; }
.k-adapter_call .kind, .k-adapter_result .kind { color: #8e24aa; }
.k-state .kind { color: #2e7d32; }
details.failed > summary .sum { color: var(--bad); }
details.diverged { outline: 3px solid var(--bad); background: #fff3f3; }
details.diverged > summary::after { content: "  ◀ first divergence"; color: var(--bad); font-weight: 700; }
.body { padding: 4px 10px 10px 4.5em; }
.body dl { display: grid; grid-template-columns: max-content auto; gap: 0 12px; font-size: 12px; margin: 4px 0; }
.body dt { color: var(--muted); }
.body dd { margin: 0; font-family: ui-monospace, monospace; }
pre { position: relative; background: #fafafa; border: 1px solid var(--line); padding: 6px 8px; margin: 0; font: 12px/1.4 ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; max-height: 520px; overflow: auto; }
.exchange { border: 1px solid #cfd8dc; border-radius: 4px; padding: 6px 8px; margin: 8px 0; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.sides > div { min-width: 0; }
.line { font: 600 13px ui-monospace, monospace; margin: 0 0 4px; word-break: break-all; }
.line.bad { color: var(--bad); }
.ids { font-weight: 400; }
table.headers { font: 11px ui-monospace, monospace; border-collapse: collapse; margin-bottom: 4px; }
table.headers th { text-align: left; color: var(--muted); font-weight: 400; padding-right: 8px; }
section.diverged { border: 2px solid var(--bad); background: #fff3f3; padding: 4px 12px 12px; }
section.diverged h2 { color: var(--bad); border: 0; }
section.diverged .reason { font-weight: 700; font-size: 15px; }
section.passed { border: 2px solid var(--good); background: #f1f8e9; padding: 4px 12px; }
section.passed h2 { color: var(--good); border: 0; }
svg.fsm { max-width: 100%; height: auto; font: 12px ui-monospace, monospace; }
svg.fsm .visited text { font-weight: 700; }
svg.fsm text.step { fill: #c2185b; font-weight: 700; }
ol.path { columns: 2; font: 12px ui-monospace, monospace; }
table.seq { border-collapse: collapse; font: 12px ui-monospace, monospace; }
table.seq td, table.seq th { padding: 1px 8px; border-bottom: 1px solid #f0f0f0; text-align: left; }
table.seq tr.transition { color: #00838f; }
table.seq tr.intent { color: #8d6e00; }
table.seq tr.bad { color: var(--bad); font-weight: 600; }
mark { background: #ffcdd2; color: #b71c1c; font-weight: 700; }
.none { color: var(--muted); font-style: italic; }
button { font-size: 12px; }
`

// script is the page's only script (CSP allows it by its hash): the
// expand and collapse buttons, a link to a record (#rec-N) opens it, and
// the two sides of a divergence scroll to their first differing line.
const script = `
(function () {
  function all(open) {
    document.querySelectorAll("details.rec").forEach(function (d) { d.open = open; });
  }
  document.getElementById("expand").addEventListener("click", function () { all(true); });
  document.getElementById("collapse").addEventListener("click", function () { all(false); });
  function openHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === "DETAILS") { el.open = true; el.scrollIntoView(); }
  }
  // Each side of the divergence starts at its first differing line.
  document.querySelectorAll("#divergence pre").forEach(function (pre) {
    var m = pre.querySelector("mark");
    if (m) { pre.scrollTop = Math.max(m.offsetTop - pre.offsetTop - 60, 0); }
  });
  window.addEventListener("hashchange", openHash);
  openHash();
  document.body.setAttribute("data-ready", "1");
})();
`
