// The heights page: a Gaussian against the heights' histogram, χ² for μ and σ, and three fits
// walking the χ² landscape step by step. The server computes everything; this only draws it.
"use strict";
(() => {
  const { $, api, latest, say, fmt, Plot, clampTo } = Lab;
  const hist = new Plot($("histogram"), { xlabel: "height (cm)", ylabel: "density (per cm)" });
  const land = new Plot($("landscape"), { xlabel: "μ (cm)", ylabel: "σ (cm)" });
  const METHODS = [
    ["steepest-descent", "steepest descent", "var(--c2)"],
    ["gauss-newton", "Gauss–Newton", "var(--c3)"],
    ["levenberg-marquardt", "Levenberg–Marquardt", "var(--c4)"],
  ];
  const BAR = "#c9ced8";
  const GAP = "var(--c5)";
  const onError = (text) => say(text, "error", "message");

  let world = null; // the data and the landscape (asked for once)
  let shown = null; // the Gaussian drawn now: {mu, sigma, chi2, xs, ys, at_bins}
  let now = null; // the (μ, σ) shown now, [mu, sigma]: the sliders', or a path's step
  let run = null; // the three fits from the last start
  let frame = 0; // the step of the paths shown
  let timer = null; // the animation, while it plays
  let nowDot = null; // the dot on the landscape at the (μ, σ) shown

  // ------------------------------------------------------------------------------------------
  // χ² for one (μ, σ): the histogram, the readouts and the dot on the landscape
  // ------------------------------------------------------------------------------------------

  const ask = latest(async (mu, sigma) => {
    const data = await api("/api/heights/chi2", { mu, sigma }, { onError });
    if (data === null) return;
    say("", "", "message");
    shown = data;
    drawHistogram();
    $("chi2").textContent = fmt(data.chi2, 6);
  });

  // show (μ, σ): the sliders and their outputs at once, the Gaussian and χ² when the server answers
  // (while dragging on the landscape, only its dot moves: the element pressed stays in place)
  function show(mu, sigma, { redraw = true } = {}) {
    now = [mu, sigma];
    $("mu").value = String(clampTo(mu, [Number($("mu").min), Number($("mu").max)]));
    $("sigma").value = String(clampTo(sigma, [Number($("sigma").min), Number($("sigma").max)]));
    $("mu-out").textContent = fmt(mu, 5);
    $("sigma-out").textContent = fmt(sigma, 4);
    if (redraw) drawLandscape();
    else moveDot();
    if (sigma > 0 && sigma <= 1000 && Math.abs(mu) <= 1000) {
      ask(mu, sigma);
    } else {
      shown = null;
      drawHistogram();
      $("chi2").textContent = "–";
      say(`At this step σ = ${fmt(sigma, 4)}: not a width, so no Gaussian is drawn.`, "warn", "message");
    }
  }

  function drawHistogram() {
    if (!world) return;
    const [lo, hi] = world.curve;
    const w = world.width;
    const top = Math.max(...world.y);
    const peak = shown ? Math.max(0, ...shown.ys.filter((v) => v !== null)) : 0;
    hist.x = [lo, hi];
    hist.y = [0, Math.max(top * 1.15, Math.min(peak, 0.45) * 1.08)];
    hist.clear().axes();
    // the bars, as one filled outline
    const bx = [];
    const by = [];
    world.x.forEach((x, i) => {
      if (x + w / 2 < lo || x - w / 2 > hi) return;
      bx.push(x - w / 2, x - w / 2, x + w / 2, x + w / 2);
      by.push(0, world.y[i], world.y[i], 0);
    });
    const bars = hist.line(bx, by, { color: "#8a91a0", width: 1, cls: "bars" });
    bars.setAttribute("fill", BAR);
    if (shown) {
      // the gaps χ² squares, at the bin centres
      const floor = hist.y[1] * 2e-3;
      world.x.forEach((x, i) => {
        const m = shown.at_bins[i];
        if (m === null || x < lo || x > hi || Math.abs(m - world.y[i]) < floor) return;
        hist.line([x, x], [world.y[i], m], { color: GAP, width: 2.5 });
      });
      hist.line(shown.xs, shown.ys, { color: "var(--c1)", width: 2.5 });
    }
  }

  // ------------------------------------------------------------------------------------------
  // The landscape: contours, the paths up to the current step, the current (μ, σ)
  // ------------------------------------------------------------------------------------------

  function drawLandscape() {
    if (!world) return;
    const [m0, m1, s0, s1] = world.window;
    land.x = [m0, m1];
    land.y = [s0, s1];
    land.clear().axes({ zero: false });
    const n = world.contours.length;
    world.contours.forEach((lines, i) => {
      const shade = Math.round(95 + (95 * i) / Math.max(1, n - 1)); // darker where χ² is low
      land.contours(lines, { color: `rgb(${shade - 20}, ${shade}, ${Math.min(255, shade + 30)})` });
    });
    if (run) {
      const [a, b] = run.start;
      for (const [method, label, color] of METHODS) {
        const path = run.methods[method].path;
        const upto = path.slice(0, Math.min(frame, path.length - 1) + 1);
        land.line(upto.map((p) => p[0]), upto.map((p) => p[1]), { color, width: 2 });
        for (const p of upto) land.dot(p[0], p[1], { r: 2.5, color, stroke: "none" });
        const [u, v] = upto[upto.length - 1];
        if (land.inside(u, v)) land.dot(u, v, { r: 6.5, color, title: `${label}: step ${upto.length - 1}` });
      }
      if (land.inside(a, b)) land.dot(a, b, { r: 6, color: "#fff", stroke: "var(--ink)", title: "the start" });
    }
    nowDot = land.dot(m0, s0, { r: 3.5, color: "var(--ink)", stroke: "none" });
    moveDot();
    land.drawCursor();
  }

  // the dot at the (μ, σ) shown, moved without redrawing the plot (a drag keeps its target)
  function moveDot() {
    if (!nowDot || !now) return;
    const [mu, sigma] = now;
    nowDot.setAttribute("cx", String(land.px(mu)));
    nowDot.setAttribute("cy", String(land.py(sigma)));
    nowDot.setAttribute("visibility", land.inside(mu, sigma) ? "visible" : "hidden");
  }

  // ------------------------------------------------------------------------------------------
  // The fits from a start, and watching them step by step
  // ------------------------------------------------------------------------------------------

  const fitFrom = latest(async () => {
    const value = (id) => ($(id).value === "" ? null : Number($(id).value));
    const body = {
      mu0: value("mu0"),
      sigma0: value("sigma0"),
      aggression: aggression(),
      steps: Number($("steps").value),
    };
    pause();
    const data = await api("/api/heights/paths", body, { onError });
    if (data === null) return;
    say("", "", "message");
    run = data;
    fillResults();
    $("frame").max = String(lastFrame());
    $("frame").disabled = false;
    for (const id of ["play", "step"]) $(id).disabled = false;
    setFrame(0);
    play();
  });

  // the aggression slider: 1, 1.5, 2, 3, 4, 5, 7 in each decade from 1 to 10⁵ (a log scale)
  const AGGRESSIONS = [0, 1, 2, 3, 4].flatMap((e) => [1, 1.5, 2, 3, 4, 5, 7].map((m) => m * 10 ** e));
  AGGRESSIONS.push(1e5);
  const aggression = () => AGGRESSIONS[Number($("aggression").value)];
  const lastFrame = () => (run ? Math.max(...METHODS.map(([m]) => run.methods[m].nit)) : 0);

  function setFrame(k) {
    if (!run) return;
    frame = clampTo(Math.round(k), [0, lastFrame()]);
    $("frame").value = String(frame);
    $("frame-out").textContent = `${frame} of ${lastFrame()}`;
    const path = run.methods[$("follow").value].path;
    const [mu, sigma] = path[Math.min(frame, path.length - 1)];
    show(mu, sigma);
  }

  // a frame every 250 ms for the first steps (the big ones), then faster, so that even 500
  // steps of steepest descent play in about ten seconds
  function tick() {
    if (frame >= lastFrame()) {
      pause();
      return;
    }
    const stride = frame < 12 ? 1 : Math.max(1, Math.ceil(lastFrame() / 160));
    setFrame(frame + stride);
    timer = setTimeout(tick, frame < 12 ? 250 : 60);
  }

  function play() {
    if (!run) return;
    if (frame >= lastFrame()) setFrame(0);
    clearTimeout(timer);
    timer = setTimeout(tick, 250);
    $("play").textContent = "Pause";
    $("play").setAttribute("aria-pressed", "true");
  }

  function pause() {
    clearTimeout(timer);
    timer = null;
    $("play").textContent = "Play";
    $("play").setAttribute("aria-pressed", "false");
  }

  // each method: its name and status, then its steps and final μ, σ, χ², then its message
  function fillResults() {
    const table = $("results");
    for (const body of [...table.tBodies]) body.remove();
    for (const [method, label, color] of METHODS) {
      const r = run.methods[method];
      const body = document.createElement("tbody");
      body.dataset.testid = `result-${method}`;
      const name = document.createElement("th");
      name.colSpan = 4;
      name.style.textAlign = "left";
      const status = document.createElement("span");
      status.dataset.testid = `status-${method}`;
      status.textContent = r.status;
      status.style.whiteSpace = "nowrap";
      name.append(swatch(color), ` ${label}`);
      if (method === "steepest-descent") name.append(` (×${fmt(run.aggression, 4)})`);
      name.append(": ", status);
      body.insertRow().appendChild(name);
      const row = body.insertRow();
      const cells = [
        ["nit", String(r.nit)],
        ["mu", fmt(r.params[0], 6)],
        ["sigma", fmt(r.params[1], 5)],
        ["chi2", fmt(r.chi2, 5)],
      ];
      for (const [key, text] of cells) {
        const cell = row.insertCell();
        cell.textContent = text;
        cell.dataset.testid = `${key}-${method}`;
      }
      const note = body.insertRow().insertCell();
      note.colSpan = 4;
      note.className = "hint";
      note.style.textAlign = "left";
      note.dataset.testid = `message-${method}`;
      note.textContent = r.message;
      table.appendChild(body);
    }
  }

  function swatch(color) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "10");
    svg.setAttribute("aria-hidden", "true");
    const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
    for (const [k, v] of Object.entries({ x1: 1, x2: 17, y1: 5, y2: 5, stroke: color, "stroke-width": 3 })) {
      line.setAttribute(k, String(v));
    }
    svg.appendChild(line);
    return svg;
  }

  // ------------------------------------------------------------------------------------------
  // Wiring
  // ------------------------------------------------------------------------------------------

  function fromSliders() {
    pause();
    show(Number($("mu").value), Number($("sigma").value));
  }

  function pick(mu, sigma) {
    if (!world) return; // the landscape has not arrived: its axes are not yet (μ, σ)
    $("mu0").value = mu.toFixed(2);
    $("sigma0").value = sigma.toFixed(2);
    fitFrom();
  }

  land.onPick(pick, { label: "The χ² landscape. Click to fit from a start, or move the cross with the arrow keys and press Enter." });
  land.onDrag((mu, sigma) => {
    if (!world) return;
    pause();
    show(mu, sigma, { redraw: false });
  });
  $("mu").addEventListener("input", fromSliders);
  $("sigma").addEventListener("input", fromSliders);
  $("aggression").addEventListener("input", () => {
    $("aggression-out").textContent = fmt(aggression(), 4);
    $("aggression").setAttribute("aria-valuetext", fmt(aggression(), 4));
  });
  $("aggression").addEventListener("change", () => run && fitFrom());
  $("steps").addEventListener("change", () => run && fitFrom());
  $("settings").addEventListener("submit", (event) => event.preventDefault());
  $("start").addEventListener("submit", (event) => {
    event.preventDefault();
    fitFrom();
  });
  $("play").addEventListener("click", () => (timer === null ? play() : pause()));
  $("step").addEventListener("click", () => {
    pause();
    setFrame(frame + 1);
  });
  $("frame").addEventListener("input", () => {
    pause();
    setFrame(Number($("frame").value));
  });
  $("follow").addEventListener("change", () => setFrame(frame));
  window.addEventListener("resize", () => {
    drawHistogram();
    drawLandscape();
  });

  // the landscape's key: each swatch stays with its words when the caption wraps
  for (const key of document.querySelectorAll("#landscape-caption .key")) key.style.whiteSpace = "nowrap";

  (async () => {
    world = await api("/api/heights/landscape", {}, { onError });
    if (world === null) return;
    if (world.levels.length > 1) $("ratio").textContent = fmt(world.levels[1] / world.levels[0], 2);
    show(...world.start);
  })();
})();
