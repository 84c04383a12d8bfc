// The sandpit's page: draws the pit, sends probes to the server, shows what the dip-stick reads.
// No framework and no network beyond this server.
"use strict";

const $ = (id) => document.getElementById(id);
const canvas = $("pit");
const ctx = canvas.getContext("2d");

const view = {
  config: null,
  game: null,       // the server's state of this session's game
  walks: [],        // workers' walks, for drawing
  floor: null,      // the revealed floor
  cursor: null,     // keyboard cross, in pit coordinates
  keyboard: false,  // the cross shows only while the pit is driven from the keyboard
  sand: null,       // the sand texture, drawn once per size
};

// ---------------------------------------------------------------------------------------------
// Talking to the server: every error comes back as {"error": "..."} and is shown, never thrown
// ---------------------------------------------------------------------------------------------

async function api(path, body, { quiet = false } = {}) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  let response;
  try {
    response = await fetch(path, options);
  } catch (err) {
    say(`The server cannot be reached (${err.message}). Is mvcalc sandpit still running?`, "error");
    return null;
  }
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) {
    if (!quiet) say(data.error || `HTTP ${response.status}`, "error");
    return null;
  }
  return data;
}

function say(text, kind = "") {
  const box = $("message");
  box.textContent = text;
  box.className = `message ${kind}`;
}

// ---------------------------------------------------------------------------------------------
// Geometry: the pit fills the canvas; y points up
// ---------------------------------------------------------------------------------------------

function bounds() {
  return view.game ? view.game.bounds : view.config.bounds;
}

function toCanvas(x, y) {
  const [[x0, x1], [y0, y1]] = bounds();
  return [((x - x0) / (x1 - x0)) * canvas.width, ((y1 - y) / (y1 - y0)) * canvas.height];
}

function toPit(px, py) {
  const [[x0, x1], [y0, y1]] = bounds();
  const x = x0 + (px / canvas.width) * (x1 - x0);
  const y = y1 - (py / canvas.height) * (y1 - y0);
  return [clamp(x, x0, x1), clamp(y, y0, y1)];
}

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
// canvas pixels per CSS pixel: sizes below are in CSS pixels, so they read the same on any screen
const cssPx = (cssPixels) => cssPixels * (canvas.width / Math.max(1, canvas.clientWidth));
const num = (v, digits) => (Math.abs(v) < 0.5 * 10 ** -digits ? 0 : v).toFixed(digits);
const unitsToPixels = (d) => (d / (bounds()[0][1] - bounds()[0][0])) * canvas.width;

// ---------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------

function resize() {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(240, Math.round(canvas.clientWidth * ratio));
  const height = Math.round((width * 2) / 3);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
    view.sand = null;
  }
  draw();
}

function sandTexture() {
  // speckles from a fixed pseudo-random sequence: they say nothing about the floor
  const tex = document.createElement("canvas");
  tex.width = canvas.width;
  tex.height = canvas.height;
  const t = tex.getContext("2d");
  t.fillStyle = "#e9d6a8";
  t.fillRect(0, 0, tex.width, tex.height);
  let s = 20240607;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296);
  const n = Math.round((tex.width * tex.height) / 90);
  const shades = ["#dcc48f", "#f2e3bd", "#d4b97f", "#efdcae"];
  for (let i = 0; i < n; i++) {
    t.fillStyle = shades[i % shades.length];
    t.fillRect(rand() * tex.width, rand() * tex.height, 1 + rand() * 2.2, 1 + rand() * 2.2);
  }
  return tex;
}

// deep = dark blue, shallow = pale sand
const RAMP = [[28, 45, 94], [45, 110, 150], [102, 170, 160], [196, 214, 160], [242, 229, 190]];
function colour(t) {
  const u = clamp(t, 0, 1) * (RAMP.length - 1);
  const i = Math.min(Math.floor(u), RAMP.length - 2);
  const f = u - i;
  return RAMP[i].map((c, k) => Math.round(c + f * (RAMP[i + 1][k] - c)));
}

function drawFloor(floor) {
  const nx = floor.x.length, ny = floor.y.length;
  let lo = Infinity, hi = -Infinity;
  for (const row of floor.depth) for (const v of row) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const img = new ImageData(nx, ny);
  for (let j = 0; j < ny; j++) {
    const row = floor.depth[ny - 1 - j]; // image rows run downwards, y upwards
    for (let i = 0; i < nx; i++) {
      const [r, g, b] = colour((row[i] - lo) / (hi - lo || 1));
      const k = 4 * (j * nx + i);
      img.data[k] = r; img.data[k + 1] = g; img.data[k + 2] = b; img.data[k + 3] = 255;
    }
  }
  const small = document.createElement("canvas");
  small.width = nx;
  small.height = ny;
  small.getContext("2d").putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
  ctx.lineWidth = cssPx(1);
  ctx.strokeStyle = "rgba(20, 20, 30, 0.45)";
  for (const lines of floor.contours) {
    for (const line of lines) {
      ctx.beginPath();
      line.forEach(([x, y], k) => {
        const [px, py] = toCanvas(x, y);
        if (k === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      });
      ctx.stroke();
    }
  }
}

function drawPhone(floor) {
  // drawn last, over the probes: a probe that found the phone must not hide it
  const [mx, my] = toCanvas(...floor.minimum);
  ctx.beginPath();
  ctx.arc(mx, my, unitsToPixels(floor.win_radius), 0, 2 * Math.PI);
  ctx.setLineDash([6, 4]);
  ctx.strokeStyle = "#fff";
  ctx.lineWidth = cssPx(2);
  ctx.stroke();
  ctx.setLineDash([]);
  star(mx, my, cssPx(10), "#ffd23f");
}

function star(x, y, r, fill) {
  ctx.beginPath();
  for (let k = 0; k < 10; k++) {
    const a = -Math.PI / 2 + (k * Math.PI) / 5;
    const rr = k % 2 ? r * 0.45 : r;
    ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
  }
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.strokeStyle = "#3b2a12";
  ctx.lineWidth = cssPx(1.5);
  ctx.stroke();
}

function arrow(x, y, jx, jy) {
  // −J, the way downhill; its length grows with the slope, within limits that stay readable
  const norm = Math.hypot(jx, jy);
  if (norm === 0) return;
  const length = Math.max(cssPx(22), unitsToPixels(clamp(0.35 * norm, 0.25, 0.8)));
  const ux = -jx / norm, uy = jy / norm; // canvas y runs downwards
  const [px, py] = toCanvas(x, y);
  const ex = px + ux * length, ey = py + uy * length;
  const head = cssPx(8);
  ctx.strokeStyle = ctx.fillStyle = "#b03a2e";
  ctx.lineWidth = cssPx(2);
  ctx.beginPath();
  ctx.moveTo(px, py);
  ctx.lineTo(ex, ey);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(ex, ey);
  ctx.lineTo(ex - head * (ux - 0.5 * uy), ey - head * (uy + 0.5 * ux));
  ctx.lineTo(ex - head * (ux + 0.5 * uy), ey - head * (uy - 0.5 * ux));
  ctx.closePath();
  ctx.fill();
}

function marker(p, best, labelled) {
  const [px, py] = toCanvas(p.x, p.y);
  const r = cssPx(4.5);
  ctx.beginPath();
  ctx.arc(px, py, r, 0, 2 * Math.PI);
  ctx.fillStyle = p.won ? "#1e7a3c" : "#4a3219";
  ctx.fill();
  if (best) {
    ctx.beginPath();
    ctx.arc(px, py, r * 1.9, 0, 2 * Math.PI);
    ctx.strokeStyle = "#d99a00";
    ctx.lineWidth = cssPx(2.5);
    ctx.stroke();
  }
  if (!labelled) return;
  ctx.font = `${Math.round(cssPx(12))}px system-ui, sans-serif`;
  ctx.fillStyle = "#2b2118";
  ctx.strokeStyle = "rgba(255, 250, 235, 0.85)";
  ctx.lineWidth = cssPx(3);
  const label = num(p.depth, 2);
  const left = px > canvas.width * 0.85;
  ctx.textAlign = left ? "right" : "left";
  const lx = left ? px - r * 2 : px + r * 2;
  ctx.strokeText(label, lx, py - r);
  ctx.fillText(label, lx, py - r);
  ctx.textAlign = "left";
}

function drawWalks() {
  ctx.lineWidth = cssPx(2);
  ctx.strokeStyle = "#1f5f8b";
  for (const walk of view.walks) {
    ctx.beginPath();
    walk.probes.forEach((p, k) => {
      const [px, py] = toCanvas(p.x, p.y);
      if (k === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
    });
    ctx.stroke();
  }
}

function drawCursor() {
  if (!view.cursor || !view.keyboard || document.activeElement !== canvas) return;
  const [px, py] = toCanvas(...view.cursor);
  const r = cssPx(12);
  ctx.strokeStyle = "#1f5f8b";
  ctx.lineWidth = cssPx(2);
  ctx.beginPath();
  ctx.moveTo(px - r, py); ctx.lineTo(px + r, py);
  ctx.moveTo(px, py - r); ctx.lineTo(px, py + r);
  ctx.stroke();
}

function labelled(game, p, best) {
  // depth labels where they stay readable: the end of each walk, the best, the recent probes
  if (p.number === best) return true;
  if (game.mode === "workers") return view.walks.some((w) => w.probes.at(-1).number === p.number);
  return p.number > game.count - 40;
}

function draw() {
  if (!view.config) return;
  if (view.floor) {
    drawFloor(view.floor);
  } else {
    view.sand = view.sand || sandTexture();
    ctx.drawImage(view.sand, 0, 0);
  }
  const game = view.game;
  if (!game) return;
  drawWalks();
  const best = game.best ? game.best.number : -1;
  for (const p of game.probes) {
    if (p.jacobian && game.mode === "jacobian") arrow(p.x, p.y, p.jacobian[0], p.jacobian[1]);
  }
  for (const p of game.probes) marker(p, p.number === best, labelled(game, p, best));
  if (view.floor) drawPhone(view.floor);
  drawCursor();
}

// ---------------------------------------------------------------------------------------------
// The panel
// ---------------------------------------------------------------------------------------------

const fmt = (v) => (v === null || v === undefined ? "–" : num(v, 3));
const probes = (n) => `${n} probe${n === 1 ? "" : "s"}`;

function show(game, added = null) {
  // answers to probes leave out the list of probes: the page keeps its own
  if (added) game.probes = [...view.game.probes, ...added];
  view.game = game;
  $("count").textContent = String(game.count);
  $("depth").textContent = game.last ? fmt(game.last.depth) : "–";
  const j = game.last && game.last.jacobian;
  $("slope").textContent = j ? `(${num(j[0], 2)}, ${num(j[1], 2)})` : "–";
  $("best").textContent = game.best ? fmt(game.best.depth) : "–";
  $("which").textContent = `${game.scenario}, seed ${game.seed}`;
  $("worker-options").hidden = game.mode !== "workers";
  $("reveal").disabled = game.revealed;
  $("legend").hidden = !game.revealed;
  draw();
}

function options(select, values, chosen) {
  select.replaceChildren(...values.map((v) => new Option(v, v, false, v === chosen)));
}

async function newGame() {
  const seedText = $("seed").value.trim();
  const seed = seedText === "" ? null : Number(seedText);
  if (seed !== null && !(Number.isInteger(seed) && seed >= 0 && seed <= 2147483647)) {
    say("The seed must be a whole number from 0 to 2147483647, or blank for a random one.", "error");
    return;
  }
  const game = await api("/api/new", { scenario: $("scenario").value, mode: $("mode").value, seed });
  if (!game) return;
  view.walks = [];
  view.floor = null;
  view.cursor = null;
  show(game);
  const how = {
    depth: "Click the sand to read the depth there.",
    jacobian: "Each probe reads the depth and the slope; the red arrow points downhill (−J).",
    workers: "Click a start point: the workers take five steps with the strategy you chose.",
  }[game.mode];
  say(`New game: ${game.scenario}, seed ${game.seed}. ${how}`);
}

function won(game, before) {
  if (game.won && !before) {
    say(`You found the phone in ${probes(game.score)}! ` +
        "Reveal the floor to see where it was.", "win");
    return true;
  }
  return false;
}

let busy = false;
async function act(x, y) {
  if (busy || !view.game) return;
  busy = true;
  try {
    const before = view.game.won;
    if (view.game.mode === "workers") {
      const aggression = Number($("aggression").value);
      const data = await api("/api/workers", { x, y, strategy: $("strategy").value, aggression });
      if (!data) return;
      view.walks.push(data.workers);
      show(data.state, data.workers.probes);
      if (!won(data.state, before)) {
        say(`Workers (${data.workers.strategy}): ${data.workers.message}.`,
            data.workers.completed ? "" : "error");
      }
    } else {
      const data = await api("/api/probe", { x, y });
      if (!data) return;
      show(data.state, [data.probe]);
      if (!won(data.state, before)) {
        say(`Probe ${data.probe.number}: depth ${fmt(data.probe.depth)} at ` +
            `(${num(data.probe.x, 2)}, ${num(data.probe.y, 2)}).`);
      }
    }
  } finally {
    busy = false;
  }
}

async function reveal() {
  const floor = await api("/api/reveal", {});
  if (!floor) return;
  view.floor = floor;
  show(floor.state);
  const [mx, my] = floor.minimum;
  const score = floor.state.won ? `you found it in ${probes(floor.state.score)}.` : "you had not found it yet.";
  say(`The phone was at (${num(mx, 2)}, ${num(my, 2)}), depth ${fmt(floor.minimum_depth)}: ${score}`,
      floor.state.won ? "win" : "");
}

// ---------------------------------------------------------------------------------------------
// Input: mouse or touch, and the keyboard
// ---------------------------------------------------------------------------------------------

canvas.addEventListener("click", (event) => {
  // the drawing is the canvas's content box: inside its border
  const rect = canvas.getBoundingClientRect();
  const cx = ((event.clientX - rect.left - canvas.clientLeft) / canvas.clientWidth) * canvas.width;
  const cy = ((event.clientY - rect.top - canvas.clientTop) / canvas.clientHeight) * canvas.height;
  const [x, y] = toPit(cx, cy);
  view.cursor = [x, y];
  act(x, y);
});

canvas.addEventListener("pointerdown", (event) => {
  // a click or a tap hides the keyboard's cross; a tap also hides the keyboard hint
  view.keyboard = false;
  if (event.pointerType === "touch") document.documentElement.classList.add("touch");
});

canvas.addEventListener("keydown", (event) => {
  if (!view.config) return;
  const [[x0, x1], [y0, y1]] = bounds();
  view.cursor = view.cursor || [(x0 + x1) / 2, (y0 + y1) / 2];
  const step = event.shiftKey ? 0.5 : 0.1;
  const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
  if (event.key in moves) {
    view.keyboard = true;
    const [dx, dy] = moves[event.key];
    view.cursor = [clamp(view.cursor[0] + dx, x0, x1), clamp(view.cursor[1] + dy, y0, y1)];
    event.preventDefault();
    draw();
  } else if (event.key === "Enter" || event.key === " ") {
    view.keyboard = true;
    event.preventDefault();
    act(...view.cursor);
  }
});
canvas.addEventListener("focus", () => {
  // reached with the Tab key (not by a click or a tap): show the cross at once
  if (canvas.matches(":focus-visible")) view.keyboard = true;
  draw();
});
canvas.addEventListener("blur", draw);

$("game").addEventListener("submit", (event) => {
  event.preventDefault();
  newGame();
});
$("mode").addEventListener("change", newGame);
$("scenario").addEventListener("change", newGame);
$("reveal").addEventListener("click", reveal);
window.addEventListener("resize", resize);

async function start() {
  const config = await api("/api/config");
  if (!config) return;
  view.config = config;
  options($("mode"), config.modes, config.defaults.mode);
  options($("scenario"), config.scenarios, config.defaults.scenario);
  options($("strategy"), config.strategies, "hybrid");
  if (config.defaults.seed !== null) $("seed").value = String(config.defaults.seed);
  resize();
  // a reload resumes this browser's game; otherwise a new one starts (the server says which,
  // so that a first visit does not ask for a game it does not have)
  const game = config.resumable ? await api("/api/state", undefined, { quiet: true }) : null;
  if (game && !game.revealed) {
    $("mode").value = game.mode;
    $("scenario").value = game.scenario;
    $("seed").value = String(game.seed);
    show(game);
    say(`Welcome back: ${game.scenario}, seed ${game.seed}, ${probes(game.count)} so far.`);
  } else {
    await newGame();
  }
}

start();
