// The taylor page: f, its Taylor polynomial Pn about x0, the error, the rigorous bound on an
// interval and the radius of convergence. The server does the mathematics; this only draws.
"use strict";
(() => {
  const { $, api, latest, say, fmt, Plot, clampTo } = Lab;
  const SVG = "http://www.w3.org/2000/svg";
  const curve = new Plot($("curve"), { xlabel: "x", ylabel: "y" });
  const errors = new Plot($("errors"), { ylog: true, xlabel: "x", ylabel: "|f − Pₙ|" });
  const COLOURS = { f: "var(--c1)", p: "var(--c2)", bound: "var(--c3)", radius: "var(--c4)" };
  const SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  const SUB = "₀₁₂₃₄₅₆₇₈₉";
  const NBSP = "\u00a0"; // a line may break between terms, not inside one
  let answer = null;
  let convergence = null; // {key, kind, radius, message} for the answer's f and x0

  const digits = (k, set) => String(k).split("").map((d) => set[Number(d)]).join("");
  const keyOf = (a) => `${a.f}|${a.x0}`;
  const field = (id) => ($(id).value.trim() === "" ? null : Number($(id).value));

  // v rounded up to n significant digits: a bound shown shorter must not get smaller (beyond
  // the widening of 1e-12 that the library adds for its own rounding: 0.25 stays 0.25)
  function up(v, n = 4) {
    if (!(v > 0) || !Number.isFinite(v)) return v;
    let s = Number(v.toPrecision(n));
    if (s < v * (1 - 1e-12)) s = Number((s + 10 ** (Math.floor(Math.log10(v)) - n + 1)).toPrecision(n));
    return s;
  }

  const refresh = latest(async () => {
    const body = { f: $("f").value, x0: Number($("x0").value), order: Number($("order").value),
      r: Number($("radius").value), lo: field("lo"), hi: field("hi") };
    const data = await api("/api/taylor/view", body, { onError: refuse });
    if (data === null) return;
    say("", "", "message");
    answer = data;
    draw();
    if (convergence === null || convergence.key !== keyOf(data)) askRadius();
  });

  function refuse(text) {
    say(text, "error", "message");
    for (const id of ["x0-used", "fx0", "bound", "bound-kind", "actual", "derivative", "convergence"]) {
      $(id).textContent = "–";
    }
    for (const id of ["polynomial", "bound-note", "convergence-note"]) $(id).textContent = "";
    answer = null;
    convergence = null;
  }

  // the radius takes SymPy's series (up to seconds): asked for once x0 has rested a moment
  let timer = null;
  function askRadius() {
    $("convergence").textContent = "estimating…";
    $("convergence-note").textContent = "";
    clearTimeout(timer);
    timer = setTimeout(() => radius(), 350);
  }

  const radius = latest(async () => {
    const a = answer;
    if (a === null) return;
    const key = keyOf(a);
    let failed = null;
    const data = await api("/api/taylor/radius", { f: a.f, x0: a.x0 }, { onError: (text) => { failed = text; } });
    if (answer === null || keyOf(answer) !== key) return; // x0 or f moved on meanwhile
    convergence = data === null ? { key, kind: "unknown", radius: null, message: failed } : { key, ...data };
    draw();
  });

  // the y range: f's values (not Pn's, which may run away), a pole's spike cut off
  function yRange(values) {
    const v = values.filter((y) => y !== null && Number.isFinite(y)).sort((p, q) => p - q);
    if (v.length === 0) return [-1, 1];
    const at = (q) => v[Math.min(v.length - 1, Math.floor(q * (v.length - 1)))];
    const span = at(0.95) - at(0.05);
    const lo = Math.max(v[0], at(0.05) - 0.5 * span);
    const hi = Math.min(v[v.length - 1], at(0.95) + 0.5 * span);
    if (hi - lo < 1e-9 * Math.max(1, Math.abs(hi))) {
      const d = Math.max(1, Math.abs(hi)) * 0.5;
      return [lo - d, hi + d];
    }
    const pad = 0.12 * (hi - lo);
    return [lo - pad, hi + pad];
  }

  // a band over [a, b], behind the curves
  function shade(plot, a, b) {
    const [lo, hi] = plot.x;
    const x0 = plot.px(clampTo(a, [lo, hi]));
    const x1 = plot.px(clampTo(b, [lo, hi]));
    if (x1 <= x0) return;
    const top = plot.m.top;
    const rect = document.createElementNS(SVG, "rect");
    for (const [k, v] of Object.entries({ x: x0, y: top, width: x1 - x0,
      height: plot.o.height - top - plot.m.bottom, fill: "var(--c3)", "fill-opacity": 0.1 })) {
      rect.setAttribute(k, v);
    }
    plot.layer.insertBefore(rect, plot.layer.firstChild);
  }

  function polynomialText(a) {
    const x0 = a.x0;
    const base = x0 === 0 ? "x" : `(x${NBSP}${x0 > 0 ? "−" : "+"}${NBSP}${fmt(Math.abs(x0), 4)})`;
    let out = "";
    a.coefficients.forEach((c, k) => {
      if (c === 0 || c === null) return;
      const size = fmt(Math.abs(c), 4);
      const power = k === 0 ? "" : base + (k === 1 ? "" : digits(k, SUPER));
      const coefficient = k > 0 && size === "1" ? "" : size;
      const term = coefficient + (coefficient.includes("e") && power ? "·" : "") + power;
      const sign = c < 0 ? "−" : "+";
      out += out === "" ? (c < 0 ? "−" : "") + term : ` ${sign} ${term}`;
    });
    return `P${digits(a.order, SUB)}(x) = ${out || "0"}`;
  }

  function draw() {
    const a = answer;
    if (!a) return;
    const [ia, ib] = a.bound.interval;
    const B = a.bound.value;
    const R = convergence && convergence.key === keyOf(a) && convergence.kind === "finite" ? convergence.radius : null;
    const n = digits(a.order, SUB);

    // f, Pn, the interval, Pn ± bound on it, x0 ± R
    curve.x = [a.lo, a.hi];
    curve.y = yRange(a.fx);
    curve.clear().axes();
    shade(curve, ia, ib);
    if (B !== null) {
      const xs = [];
      const ps = [];
      a.xs.forEach((x, i) => {
        if (x >= ia && x <= ib && a.px[i] !== null) {
          xs.push(x);
          ps.push(a.px[i]);
        }
      });
      for (const sign of [1, -1]) {
        curve.line(xs, ps.map((p) => p + sign * B), { color: COLOURS.bound, width: 1.5, dash: "5 4" });
      }
    }
    if (R !== null) {
      for (const x of [a.x0 - R, a.x0 + R]) curve.vline(x, { color: COLOURS.radius, dash: "2 4", width: 2 });
    }
    curve.line(a.xs, a.fx, { color: COLOURS.f, width: 2.5 });
    curve.line(a.xs, a.px, { color: COLOURS.p, width: 2 });
    curve.dot(a.x0, clampTo(a.fx0, curve.y), { color: "var(--ink)", r: 6, title: `x₀ = ${fmt(a.x0, 4)}` });
    const legend = [["f", COLOURS.f], [`P${n}`, COLOURS.p]];
    if (B !== null) legend.push([`P${n} ± bound`, COLOURS.bound, "5 4"]);
    if (R !== null) legend.push(["x₀ ± R", COLOURS.radius, "2 4"]);
    curve.legend(legend);

    // |f − Pn| and the bound over the interval
    const floor = 1e-16;
    const seen = a.err.filter((e) => e !== null && e > floor);
    const top = Math.max(B !== null && B > floor ? B : floor * 10, ...seen.length ? [Math.max(...seen)] : [1]);
    const bottom = Math.max(floor, seen.length ? Math.min(...seen) : floor);
    errors.x = [a.lo, a.hi];
    const low = Math.floor(Math.log10(bottom));
    const high = Math.max(Math.ceil(Math.log10(top) - 1e-12), low + 1);
    errors.y = [10 ** low, 10 ** (high + Math.max(1, Math.round((high - low) / 4)))]; // room for the legend
    errors.clear().axes();
    shade(errors, ia, ib);
    errors.vline(a.x0, { color: "#8a8f99", dash: "4 3" });
    errors.line(a.xs, a.err, { color: COLOURS.p, width: 2 });
    if (B !== null && B > errors.y[0]) {
      errors.line([Math.max(ia, a.lo), Math.min(ib, a.hi)], [B, B], { color: COLOURS.bound, width: 2.5 });
    }
    errors.legend([["|f − P" + n + "|", COLOURS.p], [B === null ? "bound: ∞ here" : "bound", COLOURS.bound]], { corner: "right" });

    // the readings
    const interval = `[${fmt(ia, 4)},${NBSP}${fmt(ib, 4)}]`;
    $("x0-out").textContent = fmt(a.x0, 3);
    $("order-out").textContent = String(a.order);
    $("radius-out").textContent = fmt(a.r, 3);
    $("x0-used").textContent = fmt(a.x0, 4) + (a.x0_exact.includes("/") ? ` = ${a.x0_exact}` : "");
    $("fx0").textContent = fmt(a.fx0, 6);
    $("bound").textContent = `${B === null ? "∞" : fmt(up(B), 4)} on${NBSP}${interval}`;
    const dn = `f⁽${digits(a.order + 1, SUPER)}⁾`;
    let note = "";
    if (B === null) {
      note = a.bound.derivative === null ? `No finite bound: ${dn} is unbounded on the interval (a pole or `
        + "the edge of f's domain is in it)." : "No finite bound: it is beyond the range of floats.";
    } else if (a.bound.actual !== null && a.bound.actual > B) {
      note = "The error seen is floating-point rounding: the exact f − Pₙ is below the bound.";
    }
    $("bound-note").textContent = note;
    $("bound-kind").textContent = a.bound.rigorous ? "rigorous" : "grid estimate only";
    $("actual").textContent = fmt(a.bound.actual, 3);
    $("derivative").textContent = a.bound.derivative === null ? "∞" : fmt(up(a.bound.derivative), 4);
    $("polynomial").textContent = polynomialText(a);
    $("exact").textContent = a.polynomial === null ? "The exact polynomial is too long to show."
      : `Exactly, in powers of (x − x₀): ${a.polynomial}`;
    if (convergence && convergence.key === keyOf(a)) {
      const c = convergence;
      $("convergence").textContent = c.kind === "finite" ? `≈ ${fmt(c.radius, 4)}`
        : c.kind === "infinite" ? "∞" : c.kind === "none" ? "no series" : "unknown";
      $("convergence-note").textContent = `Radius: ${c.message}.`;
    }
  }

  // drag on the plot to move x0; the keyboard moves it by 0.05 (Shift: 0.5)
  function moveTo(x) {
    const input = $("x0");
    input.value = clampTo(x, [Number(input.min), Number(input.max)]).toFixed(2);
    refresh();
  }
  curve.onDrag((x) => moveTo(x));
  $("curve").setAttribute("tabindex", "0");
  $("curve").setAttribute("aria-label", "f and its Taylor polynomial. Left and right arrow keys move x₀.");
  $("curve").addEventListener("keydown", (event) => {
    const d = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
    if (!d) return;
    event.preventDefault();
    moveTo(Number($("x0").value) + d * (event.shiftKey ? 0.5 : 0.05));
  });

  // the drawn range bounds the x0 slider
  function range() {
    const lo = field("lo");
    const hi = field("hi");
    if (lo !== null && hi !== null && lo < hi) {
      const input = $("x0");
      input.min = String(lo);
      input.max = String(hi);
      input.value = clampTo(Number(input.value), [lo, hi]).toFixed(2);
    }
    refresh();
  }

  for (const id of ["x0", "order", "radius"]) $(id).addEventListener("input", refresh);
  for (const id of ["lo", "hi"]) $(id).addEventListener("change", range);
  // Enter applies what was typed (the form has several text fields, so no implicit submit)
  $("settings").addEventListener("submit", (event) => event.preventDefault());
  for (const id of ["f", "lo", "hi"]) {
    $(id).addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      if (id === "f") refresh();
      else range();
    });
  }
  $("f").addEventListener("change", refresh);
  window.addEventListener("resize", draw);
  refresh();
})();
