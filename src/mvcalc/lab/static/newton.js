// The Newton–Raphson page: pick a start, then step along the tangents to a root of f, or to a
// failure that mvcalc names; the same for two equations in x and y. The server answers the whole
// path (mvcalc.newton_raphson); this only draws the first k steps of it.
"use strict";
(() => {
  const { $, api, latest, say, fmt, Plot, extent, clampTo } = Lab;

  const PRESETS = {
    equation: [
      { label: "converges: x^2 − 2 from x₀ = 1", f: "x^2 - 2", start: 1, lo: -1, hi: 3 },
      { label: "cycling: x^3 − 2x + 2 from x₀ = 0", f: "x^3 - 2x + 2", start: 0, lo: -2.5, hi: 2 },
      { label: "divergence: atan(x) from x₀ = 1.5", f: "atan(x)", start: 1.5, lo: -6, hi: 6 },
      { label: "zero derivative: x^2 − 1 from x₀ = 0", f: "x^2 - 1", start: 0, lo: -2, hi: 2 },
      { label: "zero derivative: cos(x) from x₀ = 0", f: "cos(x)", start: 0, lo: -4, hi: 4 },
      { label: "a long tail: x·exp(−x) from x₀ = 2", f: "x*exp(-x)", start: 2, lo: -1, hi: 12 },
      { label: "no real root: x^2 + 1 from x₀ = 0.5", f: "x^2 + 1", start: 0.5, lo: -3, hi: 3 },
      { label: "double root: (x − 1)^2 from x₀ = 3", f: "(x - 1)^2", start: 3, lo: -0.5, hi: 3.5 },
    ],
    system: [
      { label: "circle and line, from (1, 0.5)", f1: "x^2 + y^2 - 4", f2: "x - y", start: [1, 0.5], lo: -3, hi: 3 },
      { label: "two parabolas, from (1, 0.5)", f1: "x^2 - y - 1", f2: "y^2 - x - 1", start: [1, 0.5], lo: -3, hi: 3 },
      { label: "circle and sine, from (2, 2)", f1: "sin(x) - y", f2: "x^2 + y^2 - 1", start: [2, 2], lo: -3, hi: 3 },
      { label: "singular Jacobian: from (0, 0)", f1: "x^2 + y^2 - 4", f2: "x - y", start: [0, 0], lo: -3, hi: 3 },
      { label: "no common root: from (0.5, 0.2)", f1: "x^2 + y^2 - 1", f2: "x + y - 3", start: [0.5, 0.2], lo: -3, hi: 4 },
    ],
  };
  const CUSTOM = "custom";
  const PLAY_MS = 550;
  const SUB = "₀₁₂₃₄₅₆₇₈₉";
  const sub = (k) => String(k).replace(/\d/g, (d) => SUB[Number(d)]);

  const plane = new Plot($("plane"), { xlabel: "x", ylabel: "f(x)" });
  const residual = new Plot($("residual"), { ylog: true, xlabel: "step k", ylabel: "|f(xₖ)|" });
  const ASPECT = { equation: 400 / 640, system: 0.97 };

  // each mode keeps its own inputs, answer and the step shown
  const first = (mode) => ({ ...PRESETS[mode][0], start: null, preset: "0", answer: null, k: 0 });
  const state = { mode: "equation", equation: first("equation"), system: first("system") };
  const now = () => state[state.mode];
  let timer = null;

  // -----------------------------------------------------------------------------------------
  // Inputs ⇄ state
  // -----------------------------------------------------------------------------------------

  const numberOf = (input) => (input.value.trim() === "" ? null : Number(input.value));

  function fillPresets() {
    const select = $("preset");
    select.replaceChildren();
    PRESETS[state.mode].forEach((p, i) => select.add(new Option(p.label, String(i))));
    select.add(new Option("your own", CUSTOM));
    select.value = now().preset;
  }

  function writeInputs() {
    const s = now();
    const one = state.mode === "equation";
    for (const node of document.querySelectorAll("[data-one]")) node.hidden = !one;
    for (const node of document.querySelectorAll("[data-two]")) node.hidden = one;
    $("caption-one").hidden = !one;
    $("caption-two").hidden = one;
    if (one) $("f").value = s.f;
    else {
      $("f1").value = s.f1;
      $("f2").value = s.f2;
    }
    $("lo").value = s.lo;
    $("hi").value = s.hi;
    $("lo-label").textContent = one ? "x from" : "x and y from";
    $("start-label").textContent = one ? "start x₀" : "start (x₀, y₀)";
    $("xk-label").textContent = one ? "xₖ" : "(xₖ, yₖ)";
    $("fk-label").textContent = one ? "f(xₖ)" : "(f₁, f₂) at it";
    plane.o.ylabel = one ? "f(x)" : "y";
    plane.aspect = ASPECT[state.mode];
    residual.o.ylabel = one ? "|f(xₖ)|" : "‖(f₁, f₂)‖";
    const head = one ? ["k", "xₖ", "f(xₖ)", "f′(xₖ)"] : ["k", "xₖ", "yₖ", "‖(f₁, f₂)‖"];
    $("table-head").replaceChildren(...head.map((h) => {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = h;
      return th;
    }));
  }

  // the inputs into the state; a changed function means a new path, seen from its start
  function readInputs() {
    const s = now();
    const texts = state.mode === "equation" ? { f: $("f").value } : { f1: $("f1").value, f2: $("f2").value };
    const changed = Object.entries(texts).some(([key, v]) => v.trim() !== String(s[key]).trim());
    Object.assign(s, texts, { lo: numberOf($("lo")), hi: numberOf($("hi")) });
    if (changed) {
      s.k = 0;
      s.preset = CUSTOM;
      $("preset").value = CUSTOM;
    }
  }

  function applyPreset(index) {
    const s = now();
    stopPlay();
    s.preset = index;
    if (index !== CUSTOM) {
      const p = PRESETS[state.mode][Number(index)];
      Object.assign(s, p, { start: Array.isArray(p.start) ? [...p.start] : p.start, k: 0 });
      writeInputs();
    }
    solve(state.mode);
  }

  // -----------------------------------------------------------------------------------------
  // Asking the server
  // -----------------------------------------------------------------------------------------

  const solve = latest(async (mode) => {
    const s = state[mode];
    const body = mode === "equation"
      ? { f: s.f, lo: s.lo, hi: s.hi, x0: s.start }
      : { f1: s.f1, f2: s.f2, window: [s.lo, s.hi, s.lo, s.hi], start: s.start };
    // no stepping through the old path while the new one is on its way
    for (const id of ["step", "end", "play", "reset"]) $(id).disabled = true;
    const data = await api(`/api/newton/${mode}`, body, { onError: (text) => say(text, "error", "message") });
    if (data === null) {
      if (state.mode === mode) draw();
      return;
    }
    say("", "", "message");
    s.answer = data;
    s.k = data.path ? Math.min(s.k, data.nit) : 0;
    if (state.mode === mode) draw();
  });

  // a picked point, rounded to a thousandth of the window (so that it reads cleanly)
  function rounded(v, span) {
    const q = 10 ** (Math.floor(Math.log10(span)) - 3);
    return Number((Math.round(v / q) * q).toPrecision(12));
  }

  plane.onPick((x, y) => {
    const s = now();
    const a = s.answer;
    if (!a) return;
    stopPlay();
    const span = state.mode === "equation" ? a.hi - a.lo : a.window[1] - a.window[0];
    s.start = state.mode === "equation" ? rounded(x, span) : [rounded(x, span), rounded(y, span)];
    s.k = 0;
    solve(state.mode);
  }, { label: "The figure. Click to pick the start, or use the arrow keys to move the cross and Enter to pick." });

  // -----------------------------------------------------------------------------------------
  // Stepping
  // -----------------------------------------------------------------------------------------

  const last = () => {
    const a = now().answer;
    return a && a.path ? a.nit : 0;
  };

  function show(k) {
    const s = now();
    if (!s.answer || !s.answer.path) return;
    s.k = clampTo(k, [0, last()]);
    if (s.k >= last()) stopPlay();
    draw();
  }

  function stopPlay() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    $("play").textContent = "Play";
    $("play").setAttribute("aria-pressed", "false");
  }

  function play() {
    if (timer !== null) {
      stopPlay();
      draw();
      return;
    }
    const s = now();
    if (!s.answer || !s.answer.path) return;
    if (s.k >= last()) s.k = 0;
    $("play").textContent = "Pause";
    $("play").setAttribute("aria-pressed", "true");
    timer = setInterval(() => show(now().k + 1), PLAY_MS);
    draw();
  }

  $("step").addEventListener("click", () => show(now().k + 1));
  $("end").addEventListener("click", () => show(last()));
  $("reset").addEventListener("click", () => {
    stopPlay();
    show(0);
  });
  $("play").addEventListener("click", play);

  // -----------------------------------------------------------------------------------------
  // Drawing
  // -----------------------------------------------------------------------------------------

  // the y range of f over the window: most of its values and the axis (a pole does not take it all)
  function yRange(ys) {
    const v = ys.filter((y) => y !== null && Number.isFinite(y)).sort((p, q) => p - q);
    if (v.length === 0) return [-1, 1];
    const at = (q) => v[Math.min(v.length - 1, Math.max(0, Math.round(q * (v.length - 1))))];
    return extent([[at(0.01), at(0.99), 0]], { pad: 0.1 });
  }

  // a note for a point beyond the figure: at the edge, pointing the way to it (below the legend
  // of `rows` entries, above the outcome's line)
  function beyond(x, y, words, rows) {
    const [x0, x1] = plane.x;
    const [y0, y1] = plane.y;
    const under = plane.fromPx(0, plane.m.top + 16 + 18 * rows + 10)[1];
    if (x > x1) plane.text(x1, clampTo(y, [y0 + 0.2 * (y1 - y0), y1 - 0.08 * (y1 - y0)]), `${words} →`, { anchor: "end", dx: -8 });
    else if (x < x0) plane.text(x0, clampTo(y, [y0 + 0.2 * (y1 - y0), under]), `← ${words}`, { dx: 8 });
    else if (y > y1) plane.text(x, y1, `↑ ${words}`, { dy: 18, anchor: x > (x0 + x1) / 2 ? "end" : "start" });
    else plane.text(x, y0, `↓ ${words}`, { dy: -26, anchor: x > (x0 + x1) / 2 ? "end" : "start" });
  }

  // a failure in a few words, for the figure
  function ending(a) {
    return {
      diverged: "divergence: the iterates run away",
      "max-iter": `iteration limit: no root in ${a.nit} steps`,
      "non-finite": "non-finite: a value or the slope is not a number",
    }[a.status] || a.name;
  }

  // how the path ended, in the figure's lower right corner
  function outcome(words) {
    plane.text(plane.x[1], plane.y[0], words, { anchor: "end", dx: -8, dy: -8 });
  }

  function drawEquation(a, k) {
    plane.x = [a.lo, a.hi];
    plane.y = yRange(a.ys);
    plane.clear().axes();
    plane.line(a.xs, a.ys, { color: "var(--c1)", width: 2.5 });
    const legend = [["f", "var(--c1)"]];
    if (!a.path) {
      plane.legend(legend);
      outcome("click the figure to pick x₀");
      return;
    }
    const P = a.path;
    legend.push(["tangent to the axis", "var(--c2)"], ["drop to f", "var(--muted)", "4 3"]);
    let stretched = false;
    for (let j = 0; j < k; j++) {
      const m = P.meets[j];
      const next = P.x[j + 1];
      if (m !== null) {
        plane.line([P.x[j], m], [P.fx[j], 0], { color: "var(--c2)", width: 2 });
        if (Math.abs(next - m) > 1e-9 * Math.max(1, Math.abs(m))) {
          plane.line([m, next], [0, 0], { color: "var(--c4)", width: 3.5, dash: "2 4" });
          stretched = true;
        }
      }
      plane.line([next, next], [0, P.fx[j + 1]], { color: "var(--muted)", width: 1.3, dash: "4 3" });
      if (plane.inside(P.x[j], P.fx[j])) plane.dot(P.x[j], P.fx[j], { r: 3.5, color: "var(--c2)" });
      if (plane.inside(next, 0)) plane.dot(next, 0, { r: 3, color: "var(--c2)" });
    }
    if (stretched) legend.push(["longer step m·f/f′", "var(--c4)", "2 4"]);
    const x = P.x[k];
    const y = P.fx[k];
    const here = `x${sub(k)} = ${fmt(x, 4)}`;
    const end = k === a.nit;
    if (end && a.status === "zero-derivative") {
      plane.slope(x, y, 0, { color: "var(--c2)", width: 2, dash: "7 5" });
    }
    if (plane.inside(x, y)) {
      plane.dot(x, y, { r: 6, color: "var(--ink)", title: `${here}, f = ${fmt(y, 4)}` });
      if (plane.inside(x, 0)) plane.text(x, 0, `x${sub(k)}`, { anchor: "middle", dx: 0, dy: y > 0 ? 18 : -10 });
    } else {
      beyond(x, y, here, legend.length);
    }
    if (end) {
      const words = {
        converged: `converged: a root at ${fmt(a.root, 6)}`,
        "zero-derivative": "zero derivative: the tangent is flat",
        cycling: "cycling: back where it was",
      }[a.status] || ending(a);
      outcome(words);
      if (a.converged && plane.inside(a.root, 0)) plane.dot(a.root, 0, { r: 5, color: "var(--c3)", title: "the root" });
    }
    plane.legend(legend);
  }

  function drawSystem(a, k) {
    const [x0, x1, y0, y1] = a.window;
    plane.x = [x0, x1];
    plane.y = [y0, y1];
    plane.clear().axes();
    // the stylesheet greys .contour lines, so the zero curves are drawn as series
    const curves = (lines, color, dash = null) => {
      for (const pts of lines) plane.line(pts.map((p) => p[0]), pts.map((p) => p[1]), { color, width: 2.4, dash });
    };
    curves(a.zero[0], "var(--c1)");
    curves(a.zero[1], "var(--c2)", "8 5");
    const legend = [["f₁ = 0", "var(--c1)"], ["f₂ = 0", "var(--c2)", "8 5"]];
    if (!a.path) {
      plane.legend(legend);
      outcome("click the figure to pick a start");
      return;
    }
    legend.push(["Newton's steps", "var(--ink)"]);
    const P = a.path;
    for (let j = 0; j < k; j++) {
      const inside = plane.inside(P.x[j], P.y[j]) && plane.inside(P.x[j + 1], P.y[j + 1]);
      if (inside) plane.arrow(P.x[j], P.y[j], P.x[j + 1], P.y[j + 1], { color: "var(--ink)", width: 1.6 });
      else plane.line([P.x[j], P.x[j + 1]], [P.y[j], P.y[j + 1]], { color: "var(--ink)", width: 1.6 });
      if (plane.inside(P.x[j], P.y[j])) plane.dot(P.x[j], P.y[j], { r: 3.5, color: "var(--c5)" });
    }
    const x = P.x[k];
    const y = P.y[k];
    const end = k === a.nit;
    const here = `(${fmt(x, 3)}, ${fmt(y, 3)})`;
    if (plane.inside(x, y)) {
      plane.dot(x, y, { r: 6, color: end && a.converged ? "var(--c3)" : "var(--ink)", title: here });
    } else {
      beyond(x, y, here, legend.length);
    }
    if (end) {
      const words = {
        converged: `converged: a root at ${here}`,
        "zero-derivative": "zero derivative: the Jacobian is singular",
      }[a.status] || ending(a);
      outcome(words);
    }
    plane.legend(legend);
  }

  function drawResiduals(a, k) {
    if (!a || !a.path) {
      residual.x = [0, 6];
      residual.y = [1e-16, 1];
      residual.clear().axes();
      residual.text(3, 1e-8, "pick a start", { anchor: "middle", dx: 0 });
      return;
    }
    const r = a.residuals;
    const ks = r.map((_, i) => i);
    residual.x = [0, Math.max(6, r.length - 1)];
    residual.y = extent([r], { log: true, floor: 1e-17 });
    residual.clear().axes();
    residual.line(ks.slice(0, k + 1), r.slice(0, k + 1), { color: "var(--c1)", width: 2.2 });
    for (let i = 0; i <= k; i++) {
      if (r[i] !== null && r[i] > 0 && residual.inside(i, r[i])) residual.dot(i, r[i], { r: 3.5, color: "var(--c1)" });
      if (r[i] === 0) {  // exactly 0 has no place on a log scale: a hollow dot on the bottom edge
        residual.dot(i, residual.y[0], { r: 4, color: "#fff", stroke: "var(--c1)", title: "exactly 0" });
        residual.text(i, residual.y[0], "0", { dx: -4, dy: -10 });
      }
    }
  }

  function row(cells) {
    const tr = document.createElement("tr");
    for (const c of cells) {
      const td = document.createElement("td");
      td.textContent = c;
      tr.appendChild(td);
    }
    return tr;
  }

  function drawTable(a, k) {
    const rows = [];
    if (a && a.path) {
      const P = a.path;
      for (let j = 0; j <= k; j++) {
        rows.push(state.mode === "equation"
          ? row([j, fmt(P.x[j], 9), fmt(P.fx[j], 3), fmt(P.dfx[j], 3)])
          : row([j, fmt(P.x[j], 7), fmt(P.y[j], 7), fmt(a.residuals[j], 3)]));
      }
    }
    $("table-body").replaceChildren(...rows);
    const wrap = $("table-wrap");
    wrap.scrollTop = wrap.scrollHeight;
  }

  function drawReadings(a, k) {
    const one = state.mode === "equation";
    const pair = (x, y) => `(${fmt(x, 6)}, ${fmt(y, 6)})`;
    const has = a && a.path;
    const P = has ? a.path : null;
    $("x0").textContent = !has ? "–" : one ? fmt(a.x0, 6) : pair(a.start[0], a.start[1]);
    $("k").textContent = has ? `${k} of ${a.nit}` : "–";
    $("xk").textContent = !has ? "–" : one ? fmt(P.x[k], 12) : pair(P.x[k], P.y[k]);
    $("fk").textContent = !has ? "–" : one ? fmt(P.fx[k], 4) : `(${fmt(P.f1[k], 3)}, ${fmt(P.f2[k], 3)})`;
    const end = has && k === a.nit;
    $("root").textContent = end && a.converged ? (one ? fmt(a.root, 12) : pair(a.root[0], a.root[1])) : "–";
    const status = $("status");
    if (!has) {
      status.className = "message";
      status.textContent = one ? "Click the figure to pick x₀ (or focus it, move the cross with the arrow keys and press Enter)."
        : "Click the figure to pick a start (or focus it, move the cross with the arrow keys and press Enter).";
    } else if (!end) {
      status.className = "message";
      const left = a.nit - k;
      status.textContent = `${left} more step${left === 1 ? "" : "s"} to the end of the path: press Step or Play.`;
    } else {
      status.className = `message ${a.converged ? "good" : "warn"}`;
      const name = document.createElement("b");
      name.textContent = a.name;
      const said = document.createElement("span");
      said.className = "hint";
      said.textContent = `mvcalc says: ${a.message}`;
      status.replaceChildren(name, ` — ${a.explain}.`, document.createElement("br"), said);
    }
  }

  function drawButtons(a, k) {
    const has = Boolean(a && a.path);
    const focused = document.activeElement;
    $("step").disabled = !has || k >= a.nit;
    $("end").disabled = !has || k >= a.nit;
    $("reset").disabled = !has || k === 0;
    $("play").disabled = !has || (a.nit === 0);
    if (focused instanceof HTMLButtonElement && focused.disabled) {
      const next = ["step", "reset", "play"].map($).find((b) => !b.disabled);
      (next || $("plane")).focus();
    }
  }

  function draw() {
    const s = now();
    const a = s.answer;
    if (!a) return;
    const k = a.path ? s.k : 0;
    if (state.mode === "equation") drawEquation(a, k);
    else drawSystem(a, k);
    plane.drawCursor();
    drawResiduals(a, k);
    drawTable(a, k);
    drawReadings(a, k);
    drawButtons(a, k);
  }

  // -----------------------------------------------------------------------------------------
  // Wiring
  // -----------------------------------------------------------------------------------------

  $("mode").addEventListener("change", () => {
    stopPlay();
    readInputs();
    state.mode = $("mode").value;
    fillPresets();
    writeInputs();
    say("", "", "message");
    if (now().answer) draw();
    else solve(state.mode);
  });
  $("preset").addEventListener("change", () => applyPreset($("preset").value));
  $("settings").addEventListener("submit", (event) => {
    event.preventDefault();
    stopPlay();
    readInputs();
    solve(state.mode);
  });
  for (const id of ["f", "f1", "f2", "lo", "hi"]) {
    $(id).addEventListener("change", () => {
      stopPlay();
      readInputs();
      solve(state.mode);
    });
  }
  window.addEventListener("resize", draw);

  $("mode").value = state.mode;
  fillPresets();
  writeInputs();
  drawButtons(null, 0);
  solve(state.mode);
})();
