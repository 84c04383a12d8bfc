// The descent page: a start on f(x, y); gradient descent, Newton and the hybrid from it.
"use strict";
(() => {
  const { $, api, latest, say, fmt, Plot } = Lab;
  // a taller map on a narrow screen, where the page is one column
  const narrow = window.matchMedia("(max-width: 820px)").matches;
  const map = new Plot($("map"), { xlabel: "x", ylabel: "y", width: 640, height: narrow ? 520 : 400,
    x: [-3, 3], y: [-2.4, 2.4] });

  const PRESETS = {
    bowl: { f: "x^2 + 10y^2", window: [-3, 3, -2.4, 2.4], start: [-2.5, 1.5] },
    rosenbrock: { f: "(1-x)^2 + 100(y-x^2)^2", window: [-2, 2, -1, 3], start: [-1.2, 1] },
    saddle: { f: "x^2 - y^2", window: [-2, 2, -2, 2], start: [1.5, 0.05] },
    minima: { f: "sin(x)cos(y) + (x^2+y^2)/10", window: [-6, 6, -6, 6], start: [1, 1] },
    himmelblau: { f: "(x^2+y-11)^2 + (x+y^2-7)^2", window: [-6, 6, -6, 6], start: [0, 0] },
  };
  // how each walk is drawn: colour (Okabe–Ito), dash, the radius of its step markers
  const STYLE = {
    "gradient-descent": { label: "gradient descent", color: "var(--c2)", dash: null, width: 2, r: 2.6 },
    // Newton's wide dashes stay visible under the hybrid's dots where the two walks coincide
    newton: { label: "Newton", color: "var(--c1)", dash: "9 5", width: 4.5, r: 4.2 },
    hybrid: { label: "hybrid", color: "var(--c3)", dash: "2 4", width: 2, r: 2.8 },
  };
  const METHODS = Object.keys(STYLE);

  let start = PRESETS.bowl.start.slice();
  let surface = null; // the contour map's answer
  let walks = null; // the three walks' answer
  let shown = Infinity; // steps drawn (the replay shows them one by one)
  let timer = null;

  // γ on a log scale, to two significant digits (the value shown is the value sent)
  const gamma = () => Number((10 ** Number($("gamma").value)).toPrecision(2));

  // "-3, 3, -2, 2" → four numbers; a piece that is not a number is sent as it is, to be refused
  function windowValue() {
    const pieces = $("window").value.replace(/−/g, "-").split(/[\s,;]+/).filter((s) => s !== "");
    return pieces.map((s) => (s.trim() !== "" && Number.isFinite(Number(s)) ? Number(s) : s));
  }

  // a refusal from either request, shown until that request succeeds
  const problems = { surface: "", walks: "" };
  function refused(which, text) {
    problems[which] = text;
    const shownText = problems.surface || problems.walks;
    say(shownText, shownText ? "error" : "", "message");
  }

  const loadSurface = latest(async () => {
    const data = await api("/api/descent/surface", { f: $("f").value, window: windowValue() },
      { onError: (text) => { surface = null; refused("surface", text); draw(); } });
    if (data === null) return;
    refused("surface", "");
    surface = data;
    draw();
  });

  const loadWalks = latest(async () => {
    const body = { f: $("f").value, start, gamma: gamma(), max_steps: Number($("steps").value) };
    const data = await api("/api/descent/paths", body,
      { onError: (text) => { walks = null; refused("walks", text); draw(); } });
    if (data === null) return;
    refused("walks", "");
    walks = data;
    stopReplay();
    draw();
  });

  function refreshAll() {
    stopReplay();
    loadSurface();
    loadWalks();
  }

  function point(p, digits = 4) {
    return p === null ? "–" : `(${fmt(p[0], digits)}, ${fmt(p[1], digits)})`;
  }

  function draw() {
    if (surface !== null) {
      map.x = [surface.window[0], surface.window[1]];
      map.y = [surface.window[2], surface.window[3]];
    }
    map.clear().axes();
    if (surface !== null) {
      for (const lines of surface.contours) map.contours(lines);
    }
    if (walks !== null) {
      for (const method of METHODS) {
        const walk = walks.methods[method];
        const style = STYLE[method];
        const upto = Math.min(walk.path.length, shown + 1);
        const pts = walk.path.slice(0, upto);
        map.line(pts.map((p) => p[0]), pts.map((p) => p[1]),
          { color: style.color, width: style.width, dash: style.dash });
        pts.forEach((p, k) => {
          if (k > 0 && p[0] !== null && p[1] !== null) {
            map.dot(p[0], p[1], { r: style.r, color: style.color, stroke: "none", parent: map.layer,
              title: `${walk.label}, step ${k}: (${fmt(p[0], 5)}, ${fmt(p[1], 5)})` });
          }
        });
        const last = pts[pts.length - 1];
        if (last && last[0] !== null && last[1] !== null && map.inside(last[0], last[1])) {
          map.dot(last[0], last[1], { r: style.r + 2.5, color: style.color, stroke: "#1f2430",
            parent: map.layer, title: `${walk.label} stops here` });
        }
      }
    }
    if (map.inside(start[0], start[1])) {
      map.dot(start[0], start[1], { r: 6, color: "#1f2430", title: `start ${point(start)}` });
    }
    map.legend(METHODS.map((m) => [STYLE[m].label, STYLE[m].color, STYLE[m].dash]), { corner: "right" });
    map.drawCursor();
    readings();
  }

  function readings() {
    $("gamma-out").textContent = fmt(gamma(), 2);
    $("gamma").setAttribute("aria-valuetext", `γ = ${fmt(gamma(), 2)}`);
    $("start").textContent = point(start);
    $("f-start").textContent = walks === null ? "–" : fmt(walks.f_start, 6);
    $("shown").textContent = Number.isFinite(shown) ? String(shown) : "all";
    for (const method of METHODS) {
      const walk = walks === null ? null : walks.methods[method];
      const set = (what, text) => {
        document.querySelector(`[data-testid="${what}-${method}"]`).textContent = text;
      };
      if (walk === null) {
        for (const what of ["status", "steps", "end", "fend"]) set(what, "–");
        set("message", "");
        continue;
      }
      // the hybrid's cap counts the steps it tries, and it keeps only those that lower f
      const capped = method === "hybrid" ? `${walk.cap} tries (${walk.steps} kept)` : `${walk.cap} steps`;
      set("status", walk.capped ? `${walk.status}: stopped at the cap of ${capped}` : walk.status);
      set("steps", String(walk.steps));
      set("end", point(walk.x, 5));
      set("fend", fmt(walk.fun, 6));
      set("message", walk.message);
    }
  }

  // the replay: the walks drawn one step at a time (quickly once many steps have gone by)
  function stopReplay() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    shown = Infinity;
    $("animate").textContent = "Replay step by step";
  }

  function replay() {
    if (walks === null) return;
    if (timer !== null) {
      stopReplay();
      draw();
      return;
    }
    const longest = Math.max(...METHODS.map((m) => walks.methods[m].path.length - 1));
    shown = 0;
    $("animate").textContent = "Stop the replay";
    const tick = () => {
      draw();
      if (shown >= longest) {
        stopReplay();
        draw();
        return;
      }
      shown = Math.min(longest, shown + Math.max(1, Math.floor(shown / 10)));
      timer = setTimeout(tick, shown <= 10 ? 160 : 50);
    };
    tick();
  }

  function choosePreset() {
    const p = PRESETS[$("preset").value];
    if (!p) return;
    $("f").value = p.f;
    $("window").value = p.window.join(", ");
    start = p.start.slice();
    map.cursor = start.slice();
    refreshAll();
  }

  map.onPick((x, y) => {
    start = [Number(x.toPrecision(4)), Number(y.toPrecision(4))];
    map.cursor = start.slice();
    stopReplay();
    loadWalks();
  }, { label: "The contour map of f. Click a start, or move the cross with the arrow keys and press Enter to start there." });
  map.cursor = start.slice();

  $("preset").addEventListener("change", choosePreset);
  $("f").addEventListener("change", () => {
    const known = Object.entries(PRESETS).find(([, p]) => p.f === $("f").value.trim());
    $("preset").value = known ? known[0] : "own";
    refreshAll();
  });
  $("window").addEventListener("change", () => {
    stopReplay();
    loadSurface();
  });
  $("gamma").addEventListener("input", () => {
    readings();
    stopReplay();
    loadWalks();
  });
  $("steps").addEventListener("change", () => {
    stopReplay();
    loadWalks();
  });
  $("animate").addEventListener("click", replay);
  $("settings").addEventListener("submit", (event) => {
    event.preventDefault();
    refreshAll();
  });
  window.addEventListener("resize", draw);
  draw();
  refreshAll();
})();
