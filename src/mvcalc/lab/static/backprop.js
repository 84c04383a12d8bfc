// The backpropagation page: starts a training job, reads its stream, draws the curves and the cost.
"use strict";
(() => {
  const { $, api, say, fmt, Plot, extent } = Lab;
  const curve = new Plot($("curve"), { width: 520, height: 480, xlabel: "x", ylabel: "y" });
  const costs = new Plot($("costs"), { width: 520, height: 480, ylog: true, xlabel: "step", ylabel: "cost C" });
  const view = { shown: null, costs: [], curves: [], output: null, done: false, job: null, stream: null, paused: false };

  const error = (text) => say(text, "error", "message");

  function settings() {
    return {
      hidden: $("hidden").value,
      aggression: Number($("aggression").value),
      noise: Number($("noise").value),
      seed: Number($("seed").value),
      steps: Number($("steps").value),
      pace: Number($("pace").value),
    };
  }

  function draw() {
    const s = view.shown;
    if (!s) return;
    const [tx, ty] = s.target;
    curve.x = extent([tx], { pad: 0.12 });
    curve.y = extent([ty], { pad: 0.12 });
    curve.clear().axes({ zero: false });
    for (let i = 0; i < tx.length; i++) curve.dot(tx[i], ty[i], { r: 2.6, color: "#9096a0", stroke: "none" });
    view.curves.forEach(([, out], i) => {
      const age = (i + 1) / (view.curves.length + 1);
      curve.line(out[0], out[1], { color: "var(--c1)", width: 1.2, opacity: 0.15 + 0.35 * age, cls: "faint" });
    });
    if (view.output) {
      curve.line(view.output[0], view.output[1], { color: view.done ? "var(--c2)" : "var(--c1)", width: view.done ? 3.5 : 2.2 });
    }
    curve.legend([["target", "#9096a0"], [view.done ? "final curve" : "the network now", view.done ? "var(--c2)" : "var(--c1)"]]);

    const steps = view.costs.map((p) => p[0]);
    const values = view.costs.map((p) => p[1]);
    costs.x = [0, Math.max(s.steps, 1)];
    costs.y = extent([values.length ? values : [s.cost]], { log: true });
    costs.clear().axes({ zero: false });
    if (values.length) costs.line([0, ...steps], [s.cost, ...values], { color: "var(--c1)" });
    else costs.dot(0, s.cost, { r: 3 });
  }

  function show(step, cost) {
    $("step").textContent = `${step} of ${view.shown.steps}`;
    $("cost").textContent = fmt(cost, 5);
  }

  function closeStream() {
    if (view.stream) view.stream.close();
    view.stream = null;
  }

  function running(on) {
    $("pause").disabled = !on;
    $("pause").textContent = view.paused ? "Resume" : "Pause";
  }

  // the untrained network, for the settings in the form
  async function preview() {
    const shown = await api("/api/backprop/preview", settings(), { onError: error });
    if (shown === null) return;
    say("", "", "message");
    Object.assign(view, { shown, costs: [], curves: [], output: shown.output, done: false });
    $("network").textContent = `${shown.sizes.join("–")}, ${shown.parameters} parameters`;
    show(0, shown.cost);
    say("Press Train to start.", "", "status");
    draw();
  }

  async function train() {
    closeStream();
    view.paused = false;
    const shown = await api("/api/backprop/start", settings(), { onError: error });
    if (shown === null) return;
    say("", "", "message");
    Object.assign(view, { shown, job: shown.job, costs: [], curves: [], output: shown.output, done: false });
    $("network").textContent = `${shown.sizes.join("–")}, ${shown.parameters} parameters`;
    show(0, shown.cost);
    say("Training…", "", "status");
    running(true);
    draw();
    const stream = new EventSource(`/api/backprop/stream?job=${encodeURIComponent(shown.job)}`);
    view.stream = stream;
    const take = (update) => {
      for (const p of update.costs) view.costs.push(p);
      for (const c of update.curves) view.curves.push(c);
      if (update.output) view.output = update.output;
      show(update.step, update.cost);
    };
    stream.addEventListener("update", (event) => {
      $("step").dataset.updates = String(Number($("step").dataset.updates || 0) + 1);
      take(JSON.parse(event.data));
      draw();
    });
    stream.addEventListener("done", (event) => {
      const update = JSON.parse(event.data);
      closeStream();
      view.done = true;
      running(false);
      const kind = { converged: "good", "max-iter": "" }[update.status] ?? "warn";
      say(`${update.status}: ${update.message}`, kind, "status");
      draw();
    });
    stream.addEventListener("stopped", () => {
      closeStream();
      running(false);
    });
    stream.addEventListener("error", () => {
      if (view.stream !== stream) return;
      closeStream();
      running(false);
      say("The training's stream broke off (was the server stopped?). Press Train to start again.", "warn", "status");
    });
  }

  async function pause() {
    const paused = !view.paused;
    const answer = await api("/api/backprop/pause", { paused }, { onError: error });
    if (answer === null) return;
    view.paused = paused;
    running(true);
    say(paused ? `Paused at step ${answer.step}.` : "Training…", "", "status");
  }

  async function reset() {
    closeStream();
    view.paused = false;
    running(false);
    await api("/api/backprop/stop", {}, { onError: error });
    await preview();
  }

  $("train").addEventListener("click", train);
  $("pause").addEventListener("click", pause);
  $("reset").addEventListener("click", reset);
  $("settings").addEventListener("submit", (event) => {
    event.preventDefault();
    train();
  });
  for (const id of ["hidden", "seed"]) $(id).addEventListener("change", () => { if (!view.stream) preview(); });
  window.addEventListener("pagehide", closeStream);
  window.addEventListener("resize", draw);
  preview();
})();
