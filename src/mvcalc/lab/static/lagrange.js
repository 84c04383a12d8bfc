// The Lagrange page: f's contours, the constraint g = c, and the points where ∇f = λ∇g.
// The server finds the points (mvcalc.lagrange) and the gradients there; this only draws them.
"use strict";
(() => {
  const { $, api, latest, say, fmt, Plot } = Lab;
  const plane = new Plot($("plane"), { xlabel: "x", ylabel: "y", width: 640, height: 400 });
  const PRESETS = {
    "circle-sum": ["x + y", "x^2 + y^2 = 1"],
    "circle-product": ["x*y", "x^2 + y^2 = 1"],
    "circle-cube": ["x^3", "x^2 + y^2 = 1"],
    "cubic-curve": ["y", "y^2 = x^3 - x"],
    "line-product": ["x*y", "x + y = 2"],
    numeric: ["exp(x) + y", "x^2 + y^2 = 1"],
  };
  const MARK = { maximum: "▲", minimum: "▼" }; // "?": the test could not decide
  const mark = (p) => MARK[p.kind] || "?";
  const ARROW = 0.16; // the longer gradient at a point is this fraction of the window's height
  let answer = null;
  let selected = 0;

  // the drawing area's width over its height, so that the server's window has one scale
  const aspect = () => {
    const { o, m } = plane;
    return (o.width - m.left - m.right) / (o.height - m.top - m.bottom);
  };
  const minus = (text) => text.replace(/-/g, "−");
  const short = (exact, v, digits = 4) => (exact ? minus(exact) : fmt(v, digits));
  const long = (exact, v) => {
    if (!exact) return fmt(v, 8);
    return Number(exact) === v ? minus(exact) : `${minus(exact)} ≈ ${fmt(v, 6)}`;
  };
  const vector = (v) => (v && v.every((c) => c !== null) ? `(${fmt(v[0], 4)}, ${fmt(v[1], 4)})` : "–");
  const size = (v) => (v && v.every((c) => c !== null) ? Math.hypot(v[0], v[1]) : 0);
  const kindText = (kind) => (kind === "unknown" ? "unknown: the test cannot decide" : kind);

  const refresh = latest(async (keepWindow = false) => {
    const body = { f: $("f").value, g: $("g").value, c: Number($("c").value), aspect: aspect() };
    if (keepWindow && answer) body.window = answer.window;
    const fresh = !keepWindow;
    say("finding the points…", "", "note");
    const data = await api("/api/lagrange/view", body, {
      onError: (text) => {
        say(text, "error", "message");
        say(answer ? "The figure and the list still show the last points found." : "", "warn", "note");
      },
    });
    if (data === null) return;
    say("", "", "message");
    answer = data;
    if (fresh) selected = 0;
    selected = Math.min(selected, Math.max(0, data.points.length - 1));
    render();
  });

  function render() {
    draw();
    list();
    readings();
  }

  function draw() {
    const a = answer;
    if (!a) return;
    const [x0, x1, y0, y1] = a.window;
    plane.x = [x0, x1];
    plane.y = [y0, y1];
    plane.clear().axes();
    for (const lines of a.contours) plane.contours(lines);
    const chosen = a.points[selected];
    if (chosen) {
      for (const pts of chosen.touching) {
        plane.line(pts.map((q) => q[0]), pts.map((q) => q[1]), { color: "var(--c3)", width: 2, dash: "7 5" });
      }
    }
    for (const pts of a.curve) {
      plane.line(pts.map((q) => q[0]), pts.map((q) => q[1]), { color: "var(--ink)", width: 2.6 });
    }
    // ∇g and ∇f on one scale per point: the longer of the two is ARROW of the height
    const reach = ARROW * (y1 - y0);
    for (const p of a.points) {
      const nf = size(p.grad_f);
      const ng = size(p.grad_g);
      const largest = Math.max(nf, ng);
      if (!(largest > 0) || !Number.isFinite(largest)) continue;
      const s = reach / largest;
      if (ng > 0) plane.arrow(p.x, p.y, p.x + s * p.grad_g[0], p.y + s * p.grad_g[1], { color: "var(--c2)", width: 4 });
      if (nf > 0) plane.arrow(p.x, p.y, p.x + s * p.grad_f[0], p.y + s * p.grad_f[1], { color: "var(--c1)", width: 2 });
    }
    a.points.forEach((p, i) => {
      const on = i === selected;
      plane.dot(p.x, p.y, { r: on ? 7.5 : 5, color: on ? "var(--c5)" : "var(--ink)",
        title: `point ${i + 1}: ${p.kind}, λ = ${fmt(p.lambda, 4)}` });
      plane.text(p.x, p.y, `${i + 1}${mark(p)}`, { dx: 8, dy: 17 });
    });
    if (chosen) label(chosen);
    plane.drawCursor();
  }

  // λ beside the chosen point: half-way between the curve's tangent and the side of ∇g that
  // holds no arrow (or the upper side), clear of the arrows and of the touching contour
  function label(p) {
    const ng = size(p.grad_g);
    let [u, v] = ng > 0 ? [p.grad_g[0] / ng, -p.grad_g[1] / ng] : [0, -1]; // ∇g on the screen
    if (p.lambda > 0 || ng === 0) [u, v] = [-u, -v]; // away from the arrows
    let [tx, ty] = [v, -u]; // the tangent, pointing up the screen
    if (ty > 0) [tx, ty] = [-tx, -ty];
    const [dx, dy] = [(tx + u) * 0.7071, (ty + v) * 0.7071];
    plane.text(p.x, p.y, `λ = ${short(p.text.lambda, p.lambda)}`,
      { dx: 34 * dx, dy: 34 * dy + 5, anchor: dx > 0.3 ? "start" : dx < -0.3 ? "end" : "middle" });
  }

  function list() {
    const body = $("points-body");
    body.replaceChildren();
    answer.points.forEach((p, i) => {
      const row = document.createElement("tr");
      const head = document.createElement("td");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `${i + 1} ${mark(p)}`;
      button.setAttribute("aria-pressed", String(i === selected));
      button.setAttribute("aria-label", `point ${i + 1}, ${p.kind}`);
      button.dataset.testid = `point-${i + 1}`;
      button.addEventListener("click", () => choose(i));
      head.appendChild(button);
      row.appendChild(head);
      const cells = [short(p.text.x, p.x), short(p.text.y, p.y), short(p.text.value, p.value),
        short(p.text.lambda, p.lambda), p.kind];
      for (const words of cells) {
        const cell = document.createElement("td");
        cell.textContent = words;
        row.appendChild(cell);
      }
      if (i === selected) {
        row.style.background = "#fff2cc";
        row.style.fontWeight = "600";
      }
      row.addEventListener("click", (event) => {
        if (event.target === button) return;
        choose(i);
      });
      body.appendChild(row);
    });
    const n = answer.points.length;
    const found = n === 0 ? "" : `${n} point${n === 1 ? "" : "s"}. `;
    say(found + answer.note, answer.search === "exact" ? "" : "warn", "note");
  }

  function readings() {
    const a = answer;
    const p = a.points[selected];
    $("constraint").textContent = minus(a.constraint);
    if (!p) {
      for (const id of ["sel-point", "sel-kind", "sel-f", "sel-lambda", "sel-gradf", "sel-lgradg", "sel-gradg"]) $(id).textContent = "–";
      return;
    }
    const exact = p.text.x && p.text.y;
    $("sel-point").textContent = exact && (Number(p.text.x) !== p.x || Number(p.text.y) !== p.y)
      ? `(${minus(p.text.x)}, ${minus(p.text.y)}) ≈ (${fmt(p.x, 5)}, ${fmt(p.y, 5)})`
      : exact ? `(${minus(p.text.x)}, ${minus(p.text.y)})` : `(${fmt(p.x, 7)}, ${fmt(p.y, 7)})`;
    $("sel-kind").textContent = kindText(p.kind);
    $("sel-f").textContent = long(p.text.value, p.value);
    $("sel-lambda").textContent = long(p.text.lambda, p.lambda);
    $("sel-gradf").textContent = vector(p.grad_f);
    $("sel-gradg").textContent = vector(p.grad_g);
    $("sel-lgradg").textContent = p.grad_g ? vector(p.grad_g.map((v) => (v === null ? null : p.lambda * v))) : "–";
  }

  function choose(i) {
    if (!answer || !answer.points[i]) return;
    selected = i;
    render();
  }

  // a click (or the keyboard's cross and Enter) chooses the point nearest to it on the screen
  plane.onPick((x, y) => {
    if (!answer || answer.points.length === 0) return;
    const X = plane.px(x);
    const Y = plane.py(y);
    let best = 0;
    let nearest = Infinity;
    answer.points.forEach((p, i) => {
      const d = Math.hypot(plane.px(p.x) - X, plane.py(p.y) - Y);
      if (d < nearest) {
        nearest = d;
        best = i;
      }
    });
    choose(best);
  }, { label: "The plane: contours of f, the constraint and the points found. Arrow keys move a cross; Enter chooses the point nearest to it." });

  $("c").addEventListener("input", () => {
    $("c-out").textContent = fmt(Number($("c").value), 2);
    refresh(true);
  });
  $("preset").addEventListener("change", () => {
    const chosen = PRESETS[$("preset").value];
    if (!chosen) return;
    [$("f").value, $("g").value] = chosen;
    $("c").value = "0";
    $("c-out").textContent = "0";
    refresh(false);
  });
  for (const id of ["f", "g"]) $(id).addEventListener("input", () => { $("preset").value = ""; });
  $("settings").addEventListener("submit", (event) => {
    event.preventDefault();
    refresh(false);
  });
  window.addEventListener("resize", draw);
  $("preset").value = "circle-sum";
  refresh(false);
})();
