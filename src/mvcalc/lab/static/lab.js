// What every page of the lab shares: talking to the server, and drawing plots in SVG.
// No framework and no network beyond this server. The mathematics is all done by the server;
// this only draws what it answers.
"use strict";

const Lab = (() => {
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";

  // -----------------------------------------------------------------------------------------
  // Talking to the server: every error is {"error": "..."} and is shown, never thrown
  // -----------------------------------------------------------------------------------------

  // POST body to path (GET without a body); the answer, or null after showing the error
  async function api(path, body, { onError = say } = {}) {
    const options = body === undefined ? {} : {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    };
    let response;
    try {
      response = await fetch(path, options);
    } catch (err) {
      onError(`The server cannot be reached (${err.message}). Is mvcalc lab still running?`, "error");
      return null;
    }
    const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
    if (!response.ok) {
      onError(data.error || `HTTP ${response.status}`, "error");
      return null;
    }
    return data;
  }

  // one request in flight at a time; while it runs, only the newest of the calls waits
  // (dragging sends what is under the finger now, not every place it passed)
  function latest(fn) {
    let running = false;
    let queued = null;
    return function call(...args) {
      if (running) {
        queued = args;
        return;
      }
      running = true;
      Promise.resolve(fn(...args)).finally(() => {
        running = false;
        if (queued !== null) {
          const next = queued;
          queued = null;
          call(...next);
        }
      });
    };
  }

  function say(text, kind = "", id = "message") {
    const box = $(id);
    if (!box) return;
    box.textContent = text;
    box.className = `message ${kind}`;
  }

  // numbers as a learner reads them: significant digits, no "-0", exponent when tiny or huge
  function fmt(v, digits = 4) {
    if (v === null || v === undefined || Number.isNaN(v)) return "–";
    if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
    if (v === 0) return "0";
    const a = Math.abs(v);
    let s = a >= 1e-4 && a < 1e6 ? String(Number(v.toPrecision(digits))) : v.toExponential(digits - 1);
    s = s.replace(/e\+?(-?)(\d+)$/, (_, sign, e) => `e${sign}${e}`);
    return s.replace(/^-/, "−");
  }

  // -----------------------------------------------------------------------------------------
  // Plot: an SVG with axes; data coordinates in, pixels out; linear or log axes
  // -----------------------------------------------------------------------------------------

  function el(name, attrs = {}, parent = null) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  const niceStep = (span, n) => {
    const raw = span / Math.max(1, n);
    const p = 10 ** Math.floor(Math.log10(raw));
    const m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  };

  class Plot {
    // svg: the <svg> element; options: {x: [lo, hi], y: [lo, hi], xlog, ylog, xlabel, ylabel,
    // width, height (the viewBox), margin}
    constructor(svg, options = {}) {
      this.svg = svg;
      this.o = { width: 640, height: 400, xlabel: "", ylabel: "", xlog: false, ylog: false,
        x: [0, 1], y: [0, 1], ...options };
      this.m = { left: 56, right: 22, top: 14, bottom: 40, ...(options.margin || {}) };
      this.aspect = this.o.height / this.o.width;
      this.widest = this.o.width;
      svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
      svg.classList.add("plot");
      this.clear();
    }

    // the height over the width of the drawing (the width follows the screen)
    setAspect(ratio) {
      this.aspect = ratio;
      return this;
    }

    get x() { return this.o.x; }
    get y() { return this.o.y; }
    set x(range) { this.o.x = range; }
    set y(range) { this.o.y = range; }

    // empty the plot; its drawing units follow its width on the screen (between 360 and the
    // width asked for), so that text stays readable on a phone
    clear() {
      const shown = this.svg.clientWidth || this.widest;
      this.o.width = Math.round(Math.min(this.widest, Math.max(360, shown)));
      this.o.height = Math.round(this.o.width * this.aspect);
      this.svg.setAttribute("viewBox", `0 0 ${this.o.width} ${this.o.height}`);
      while (this.svg.firstChild) this.svg.removeChild(this.svg.firstChild);
      this.back = el("g", {}, this.svg);
      this.layer = el("g", {}, this.svg);
      this.front = el("g", {}, this.svg);
      return this;
    }

    // data → pixel (viewBox units)
    px(x) {
      const [a, b] = this.o.x;
      const w = this.o.width - this.m.left - this.m.right;
      const t = this.o.xlog ? (Math.log10(x) - Math.log10(a)) / (Math.log10(b) - Math.log10(a)) : (x - a) / (b - a);
      return this.m.left + t * w;
    }

    py(y) {
      const [a, b] = this.o.y;
      const h = this.o.height - this.m.top - this.m.bottom;
      const t = this.o.ylog ? (Math.log10(y) - Math.log10(a)) / (Math.log10(b) - Math.log10(a)) : (y - a) / (b - a);
      return this.m.top + (1 - t) * h;
    }

    // pixel (viewBox units) → data
    fromPx(X, Y) {
      const w = this.o.width - this.m.left - this.m.right;
      const h = this.o.height - this.m.top - this.m.bottom;
      const tx = (X - this.m.left) / w;
      const ty = 1 - (Y - this.m.top) / h;
      const [xa, xb] = this.o.x;
      const [ya, yb] = this.o.y;
      const x = this.o.xlog ? 10 ** (Math.log10(xa) + tx * (Math.log10(xb) - Math.log10(xa))) : xa + tx * (xb - xa);
      const y = this.o.ylog ? 10 ** (Math.log10(ya) + ty * (Math.log10(yb) - Math.log10(ya))) : ya + ty * (yb - ya);
      return [x, y];
    }

    // a pointer event's place, in data coordinates, clamped to the axes
    dataAt(event) {
      const r = this.svg.getBoundingClientRect();
      const scale = Math.max(this.o.width / r.width, this.o.height / r.height);
      const X = (event.clientX - r.left - (r.width - this.o.width / scale) / 2) * scale;
      const Y = (event.clientY - r.top - (r.height - this.o.height / scale) / 2) * scale;
      const [x, y] = this.fromPx(X, Y);
      return [clampTo(x, this.o.x), clampTo(y, this.o.y)];
    }

    inside(x, y) {
      return x >= Math.min(...this.o.x) && x <= Math.max(...this.o.x) && y >= Math.min(...this.o.y) && y <= Math.max(...this.o.y);
    }

    ticks(range, log, n) {
      const [a, b] = range;
      if (log) {
        const lo = Math.ceil(Math.log10(a) - 1e-9);
        const hi = Math.floor(Math.log10(b) + 1e-9);
        const every = Math.max(1, Math.ceil((hi - lo + 1) / n));
        const out = [];
        for (let e = lo; e <= hi; e += every) out.push(10 ** e);
        return out;
      }
      const step = niceStep(b - a, n);
      const out = [];
      for (let v = Math.ceil(a / step) * step; v <= b + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
      return out;
    }

    tickText(v, log) {
      if (log) {
        const e = Math.round(Math.log10(v));
        return e === 0 ? "1" : e === 1 ? "10" : `1e${e}`;
      }
      return fmt(v, 3);
    }

    // the frame, grid, ticks, axis labels and the zero lines
    axes({ zero = true } = {}) {
      const { width, height } = this.o;
      const { left, right, top, bottom } = this.m;
      const g = this.back;
      const xt = this.ticks(this.o.x, this.o.xlog, Math.max(3, Math.round((width - left - right) / 90)));
      const yt = this.ticks(this.o.y, this.o.ylog, Math.max(3, Math.round((height - top - bottom) / 60)));
      for (const v of xt) {
        const X = this.px(v);
        el("line", { x1: X, x2: X, y1: top, y2: height - bottom, class: "grid" }, g);
        const t = el("text", { x: X, y: height - bottom + 15, class: "tick", "text-anchor": "middle" }, g);
        t.textContent = this.tickText(v, this.o.xlog);
      }
      for (const v of yt) {
        const Y = this.py(v);
        el("line", { x1: left, x2: width - right, y1: Y, y2: Y, class: "grid" }, g);
        const t = el("text", { x: left - 5, y: Y + 4, class: "tick", "text-anchor": "end" }, g);
        t.textContent = this.tickText(v, this.o.ylog);
      }
      if (zero && !this.o.ylog && this.o.y[0] < 0 && this.o.y[1] > 0) {
        el("line", { x1: left, x2: width - right, y1: this.py(0), y2: this.py(0), class: "zero" }, g);
      }
      if (zero && !this.o.xlog && this.o.x[0] < 0 && this.o.x[1] > 0) {
        el("line", { x1: this.px(0), x2: this.px(0), y1: top, y2: height - bottom, class: "zero" }, g);
      }
      el("rect", { x: left, y: top, width: width - left - right, height: height - top - bottom, class: "frame" }, g);
      if (this.o.xlabel) {
        const t = el("text", { x: left + (width - left - right) / 2, y: height - 6, class: "label", "text-anchor": "middle" }, g);
        t.textContent = this.o.xlabel;
      }
      if (this.o.ylabel) {
        const t = el("text", { x: 12, y: top + (height - top - bottom) / 2, class: "label", "text-anchor": "middle",
          transform: `rotate(-90 12 ${top + (height - top - bottom) / 2})` }, g);
        t.textContent = this.o.ylabel;
      }
      // everything drawn later is clipped to the frame
      const id = `clip${Plot.count = (Plot.count || 0) + 1}`;
      const defs = el("defs", {}, g);
      const clip = el("clipPath", { id }, defs);
      el("rect", { x: left, y: top, width: width - left - right, height: height - top - bottom }, clip);
      this.layer.setAttribute("clip-path", `url(#${id})`);
      return this;
    }

    // a polyline through (xs[i], ys[i]); a null, non-finite or (on a log axis) non-positive
    // value breaks the line
    line(xs, ys, { color = "var(--c1)", width = 2, dash = null, cls = "series", opacity = null, parent = null } = {}) {
      let d = "";
      let pen = false;
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i];
        const y = ys[i];
        const ok = x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y)
          && !(this.o.xlog && x <= 0) && !(this.o.ylog && y <= 0);
        if (!ok) {
          pen = false;
          continue;
        }
        const X = this.px(x);
        const Y = clampTo(this.py(y), [-1e4, 1e4]);
        d += `${pen ? "L" : "M"}${X.toFixed(1)} ${Y.toFixed(1)}`;
        pen = true;
      }
      const attrs = { d, class: cls, stroke: color, "stroke-width": width };
      if (dash) attrs["stroke-dasharray"] = dash;
      if (opacity !== null) attrs.opacity = opacity;
      return el("path", attrs, parent || this.layer);
    }

    // an infinite straight line through (x0, y0) with slope m, drawn across the x range
    slope(x0, y0, m, options = {}) {
      const [a, b] = this.o.x;
      return this.line([a, b], [y0 + m * (a - x0), y0 + m * (b - x0)], options);
    }

    vline(x, options = {}) { return this.line([x, x], this.o.y, { width: 1.5, ...options }); }
    hline(y, options = {}) { return this.line(this.o.x, [y, y], { width: 1.5, ...options }); }

    dot(x, y, { r = 5, color = "var(--c1)", stroke = "#fff", cls = "", parent = null, title = null } = {}) {
      const c = el("circle", { cx: this.px(x), cy: this.py(y), r, fill: color, stroke, "stroke-width": 1.5, class: cls }, parent || this.front);
      if (title) el("title", {}, c).textContent = title;
      return c;
    }

    // an arrow from (x0, y0) to (x1, y1), in data coordinates
    arrow(x0, y0, x1, y1, { color = "var(--c2)", width = 2, parent = null } = {}) {
      const g = el("g", {}, parent || this.front);
      const X0 = this.px(x0), Y0 = this.py(y0), X1 = this.px(x1), Y1 = this.py(y1);
      el("line", { x1: X0, y1: Y0, x2: X1, y2: Y1, stroke: color, "stroke-width": width }, g);
      const a = Math.atan2(Y1 - Y0, X1 - X0);
      const s = 8;
      const p = [[X1, Y1], [X1 - s * Math.cos(a - 0.4), Y1 - s * Math.sin(a - 0.4)], [X1 - s * Math.cos(a + 0.4), Y1 - s * Math.sin(a + 0.4)]];
      el("polygon", { points: p.map((q) => q.join(",")).join(" "), fill: color }, g);
      return g;
    }

    text(x, y, words, { anchor = "start", dx = 6, dy = -6, cls = "note", parent = null } = {}) {
      const t = el("text", { x: this.px(x) + dx, y: this.py(y) + dy, class: cls, "text-anchor": anchor }, parent || this.front);
      t.textContent = words;
      return t;
    }

    // a legend in the top-left (or top-right) corner: [[label, colour, dash], ...]
    legend(entries, { corner = "left" } = {}) {
      const g = el("g", {}, this.front);
      let widest = 0;
      entries.forEach(([label, color, dash], i) => {
        const y = this.m.top + 16 + i * 18;
        const attrs = { x1: 0, x2: 20, y1: y - 4, y2: y - 4, stroke: color, "stroke-width": 2.5 };
        if (dash) attrs["stroke-dasharray"] = dash;
        el("line", attrs, g);
        const t = el("text", { x: 26, y, class: "legend note" }, g);
        t.textContent = label;
        widest = Math.max(widest, t.getComputedTextLength ? t.getComputedTextLength() : 8 * label.length);
      });
      // placed once the labels are measured, so that a long one stays inside the frame
      const x0 = corner === "left" ? this.m.left + 8 : this.o.width - this.m.right - 34 - widest;
      g.setAttribute("transform", `translate(${x0.toFixed(1)} 0)`);
      return g;
    }

    // contour lines: a list of polylines, each [[x0, y0], [x1, y1], ...]
    contours(lines, { color = "#9aa4b5", width = 1, dash = null } = {}) {
      for (const pts of lines) this.line(pts.map((p) => p[0]), pts.map((p) => p[1]), { color, width, dash, cls: "contour" });
    }

    // click or tap: callback(x, y) in data coordinates; with the keyboard, a cross moved by the
    // arrow keys (Shift: ten times further) and Enter or Space to pick. (A plot that also redraws
    // itself on pointerdown — onDrag — removes the pressed element and the browser then sends no
    // click: move what is dragged instead of redrawing.)
    onPick(callback, { label = "Click to choose a point, or use the arrow keys and Enter." } = {}) {
      const svg = this.svg;
      svg.classList.add("pickable");
      svg.setAttribute("tabindex", "0");
      svg.setAttribute("role", "application");
      svg.setAttribute("aria-label", label);
      this.cursor = null;
      svg.addEventListener("click", (event) => {
        const [x, y] = this.dataAt(event);
        this.cursor = [x, y];
        callback(x, y);
      });
      svg.addEventListener("keydown", (event) => {
        const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
        if (!this.cursor) this.cursor = [(this.o.x[0] + this.o.x[1]) / 2, (this.o.y[0] + this.o.y[1]) / 2];
        if (event.key in moves) {
          event.preventDefault();
          const [dx, dy] = moves[event.key];
          const k = event.shiftKey ? 0.1 : 0.01;
          this.cursor = [clampTo(this.cursor[0] + dx * k * (this.o.x[1] - this.o.x[0]), this.o.x),
            clampTo(this.cursor[1] + dy * k * (this.o.y[1] - this.o.y[0]), this.o.y)];
          this.drawCursor();
        } else if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          callback(...this.cursor);
        }
      });
      svg.addEventListener("focus", () => this.drawCursor());
      svg.addEventListener("blur", () => this.cursorMark && this.cursorMark.remove());
    }

    drawCursor() {
      if (this.cursorMark) this.cursorMark.remove();
      if (!this.cursor || document.activeElement !== this.svg) return;
      const X = this.px(this.cursor[0]);
      const Y = this.py(this.cursor[1]);
      this.cursorMark = el("g", { class: "cursor" }, this.svg);
      el("line", { x1: X - 9, x2: X + 9, y1: Y, y2: Y }, this.cursorMark);
      el("line", { x1: X, x2: X, y1: Y - 9, y2: Y + 9 }, this.cursorMark);
      el("circle", { cx: X, cy: Y, r: 4 }, this.cursorMark);
    }

    // press and drag: callback(x, y) as the pointer moves (and at the press)
    onDrag(callback) {
      const svg = this.svg;
      let dragging = false;
      svg.addEventListener("pointerdown", (event) => {
        dragging = true;
        svg.setPointerCapture(event.pointerId);
        callback(...this.dataAt(event));
      });
      svg.addEventListener("pointermove", (event) => {
        if (dragging) callback(...this.dataAt(event));
      });
      const stop = () => { dragging = false; };
      svg.addEventListener("pointerup", stop);
      svg.addEventListener("pointercancel", stop);
    }
  }

  function clampTo(v, [a, b]) {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    return Math.min(hi, Math.max(lo, v));
  }

  // the range of the finite values of some arrays, padded; [lo, hi] with lo < hi always
  function extent(arrays, { pad = 0.06, log = false, floor = null } = {}) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const a of arrays) {
      for (const v of a) {
        if (v === null || !Number.isFinite(v) || (log && v <= 0)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (!Number.isFinite(lo)) return log ? [1e-16, 1] : [-1, 1];
    if (log) {
      lo = Math.max(lo, floor || lo);
      const a = Math.floor(Math.log10(lo));
      const b = Math.ceil(Math.log10(hi) + 1e-12);
      return [10 ** a, 10 ** Math.max(b, a + 1)];
    }
    if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
      const d = Math.max(1, Math.abs(hi)) * 0.5;
      return [lo - d, hi + d];
    }
    const p = (hi - lo) * pad;
    return [lo - p, hi + p];
  }

  return { $, api, latest, say, fmt, Plot, extent, clampTo };
})();
