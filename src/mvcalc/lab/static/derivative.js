// The derivative page: f, a point and a step h; secant and tangent; the error against h.
"use strict";
(() => {
  const { $, api, latest, say, fmt, Plot, extent } = Lab;
  const curve = new Plot($("curve"), { xlabel: "x", ylabel: "f(x)" });
  const errors = new Plot($("errors"), { xlog: true, ylog: true, xlabel: "step h", ylabel: "error" });
  const COLOURS = { forward: "var(--c2)", central: "var(--c1)", "complex step": "var(--c3)" };
  let answer = null;

  const h = () => 10 ** Number($("logh").value);

  const refresh = latest(async () => {
    const body = { f: $("f").value, x: Number($("x").value), h: h() };
    const data = await api("/api/derivative/view", body, { onError: (text) => say(text, "error", "message") });
    if (data === null) return;
    say("", "", "message");
    answer = data;
    draw();
  });

  function draw() {
    const a = answer;
    if (!a) return;
    // the curve, the secant and the tangent
    curve.x = [a.xs[0], a.xs[a.xs.length - 1]];
    curve.y = extent([a.ys], { pad: 0.1 });
    curve.clear().axes();
    curve.line(a.xs, a.ys, { color: "var(--c1)", width: 2.5 });
    curve.slope(a.x, a.fx, a.slope, { color: "var(--c3)", dash: "7 5" });
    if (a.fxh !== null) {
      curve.slope(a.x, a.fx, a.secant, { color: "var(--c2)", width: 1.8 });
      curve.line([a.x, a.x + a.h, a.x + a.h], [a.fx, a.fx, a.fxh], { color: "var(--muted)", width: 1.2, dash: "3 3" });
      curve.dot(a.x + a.h, a.fxh, { color: "var(--c2)", r: 4.5, title: "(x + h, f(x + h))" });
    }
    curve.dot(a.x, a.fx, { color: "var(--ink)", r: 6, title: "(x, f(x))" });
    curve.legend([["f", "var(--c1)"], ["secant", "var(--c2)"], ["tangent", "var(--c3)", "7 5"]]);
    // the error of each formula against h
    const s = a.study;
    const series = Object.entries(s.errors);
    errors.x = [s.h[0], s.h[s.h.length - 1]];
    errors.y = extent(series.map(([, e]) => e), { log: true, floor: 1e-20 });
    errors.clear().axes();
    for (const [name, e] of series) errors.line(s.h, e, { color: COLOURS[name] || "var(--c4)" });
    errors.vline(a.h, { color: "#8a8f99", dash: "4 3" });
    errors.legend(series.map(([name]) => [name, COLOURS[name] || "var(--c4)"]), { corner: "right" });
    // the readings
    $("x-out").textContent = fmt(a.x, 3);
    $("h-out").textContent = fmt(a.h, 2);
    $("fx").textContent = fmt(a.fx, 8);
    $("rise").textContent = a.fxh === null ? "–" : fmt(a.fxh - a.fx, 6);
    $("run").textContent = fmt(a.h, 3);
    $("secant").textContent = fmt(a.secant, 8);
    $("slope").textContent = fmt(a.slope, 8);
    for (const [method, id] of [["forward", "e-forward"], ["central", "e-central"], ["complex", "e-complex"]]) {
      const v = a.estimates[method];
      $(id).textContent = v === null ? "needs complex f" : fmt(Math.abs(v - a.slope), 3);
    }
  }

  // drag along the curve; the keyboard moves x by a hundredth of the range (Shift: a tenth)
  curve.onDrag((x) => {
    $("x").value = x.toFixed(2);
    refresh();
  });
  $("curve").setAttribute("tabindex", "0");
  $("curve").setAttribute("aria-label", "The curve. Left and right arrow keys move the point x.");
  $("curve").addEventListener("keydown", (event) => {
    const d = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
    if (!d) return;
    event.preventDefault();
    const input = $("x");
    const step = (event.shiftKey ? 10 : 1) * 0.06;
    input.value = Math.min(Number(input.max), Math.max(Number(input.min), Number(input.value) + d * step)).toFixed(2);
    refresh();
  });
  $("x").addEventListener("input", refresh);
  $("logh").addEventListener("input", refresh);
  $("settings").addEventListener("submit", (event) => {
    event.preventDefault();
    refresh();
  });
  $("f").addEventListener("change", refresh);
  window.addEventListener("resize", draw);
  refresh();
})();
