// The lever panel (Streamlit custom component v2). It draws the levers as range inputs and, while one is
// dragged or moved with the keys, the headline chart and figures from the range Python precomputed for it.
// Nothing here computes a model quantity: it picks the precomputed value nearest the thumb (and says so when
// the thumb is between two), and draws texts Python formatted. All text is set with textContent.

const SVG = "http://www.w3.org/2000/svg";
const PANELS = new WeakMap();
const KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"]);
const RETRY_MS = 4000;      // a range asked for and not arrived by then is asked for again
const SETTLE_MS = 15000;    // a committed value the page has not confirmed by then stops holding the slider
const TIER_TITLES = { more: "More basic levers", advanced: "Advanced levers", expert: "Expert assumptions" };
const COLOURS = { largest: "#1565c0", planned: "#6d4c41", frontier: "#7b1fa2", reference: "#1565c0", runway: "#c62828" };

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let panel = PANELS.get(parentElement);
  if (!panel) {
    panel = new Panel(parentElement);
    PANELS.set(parentElement, panel);
  }
  panel.send = setTriggerValue;
  panel.update(data || {});
  // Streamlit may call this cleanup when newer data arrives before the module ran; only a panel whose host
  // has left the page is torn down.
  return () => setTimeout(() => {
    const host = parentElement.host || parentElement;
    if (!host.isConnected && PANELS.get(parentElement) === panel) {
      panel.destroy();
      PANELS.delete(parentElement);
    }
  }, 100);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

function close(a, b) {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function nearestIndex(sorted, value) {
  let lo = 0, hi = sorted.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid; else hi = mid;
  }
  return Math.abs(sorted[hi] - value) < Math.abs(sorted[lo] - value) ? hi : lo;
}

class Panel {
  constructor(root) {
    this.root = root;
    this.list = root.querySelector(".lp-levers");
    this.live = root.querySelector(".lp-live");
    this.filter = root.querySelector(".lp-filter");
    this.empty = root.querySelector(".lp-empty");
    this.filter.addEventListener("input", () => this.applyFilter());
    this.resize = new ResizeObserver(() => { for (const item of this.items.values()) this.quietZones(item); });
    this.resize.observe(this.list);
    this.list.addEventListener("toggle", () => { for (const item of this.items.values()) this.quietZones(item); },
                               true);
    this.items = new Map();      // lever → {el, input, value, caption, spec, sig}
    this.ranges = new Map();     // lever → precomputed range (with its token)
    this.asked = new Map();      // lever → {token, at}
    this.pending = new Map();    // lever → {value, at}: committed, not yet confirmed by the page
    this.active = null;          // the lever being moved
    this.mode = null;            // "pointer" or "key"
    this.keyTimer = null;
    this.frameWanted = false;
    this.layout = "";
    this.preview = null;
    this.onPointerUp = () => this.pointerUp();
    window.addEventListener("pointerup", this.onPointerUp, true);
    window.addEventListener("pointercancel", this.onPointerUp, true);
  }

  destroy() {
    this.resize.disconnect();
    window.removeEventListener("pointerup", this.onPointerUp, true);
    window.removeEventListener("pointercancel", this.onPointerUp, true);
    clearTimeout(this.keyTimer);
    if (this.preview) this.preview.host.remove();
  }

  // ---- data from Python ---------------------------------------------------------------------------
  update(data) {
    this.data = data;
    for (const [name, range] of Object.entries(data.ranges || {})) this.ranges.set(name, range);
    const specs = data.levers || [];
    const layout = JSON.stringify(specs.map((s) => [s.name, s.group, s.tier || "basic"]));
    if (layout !== this.layout && this.active === null) this.rebuildList(specs, layout);
    for (const spec of specs) {
      let item = this.items.get(spec.name);
      if (!item) continue;
      const sig = JSON.stringify([spec.kind, spec.min, spec.max, spec.step, spec.options, spec.label, spec.disabled,
                                  spec.zones, spec.about]);
      if (sig !== item.sig && spec.name !== this.active) this.fill(item, spec, sig);
      item.spec = spec;
      const range = this.ranges.get(spec.name);
      if (range && range.token !== spec.token) this.ranges.delete(spec.name);
      item.el.dataset.rangeReady = this.ranges.has(spec.name) ? "true" : "false";
      const pending = this.pending.get(spec.name);
      if (pending && (close(pending.value, spec.value) || Date.now() - pending.at > SETTLE_MS)) {
        this.pending.delete(spec.name);
      }
      if (spec.name !== this.active && !this.pending.has(spec.name)) this.setValue(item, spec.value);
    }
    if (this.active !== null && this.ranges.has(this.active)) this.requestFrame();
    if (this.active === null && this.pending.size === 0) this.hidePreview();
  }

  rebuildList(specs, layout) {
    this.layout = layout;
    this.list.replaceChildren();
    this.items.clear();
    this.rows = [];        // in order: {heading} or {item}, each with the tier section it sits in
    this.tiers = [];       // the <details> of the advanced and expert sections
    let group = null, tier = "basic", parent = this.list;
    for (const spec of specs) {
      const specTier = spec.tier || "basic";
      if (specTier !== tier) {  // a tier behind one click: a disclosure with its count
        tier = specTier;
        group = null;
        parent = el("details", "lp-tier");
        parent.dataset.tier = tier;
        const count = specs.filter((s) => (s.tier || "basic") === tier).length;
        parent.appendChild(el("summary", "lp-tier-title", `${TIER_TITLES[tier] || tier} (${count})`));
        this.list.appendChild(parent);
        this.tiers.push(parent);
      }
      if (spec.group !== group) {
        group = spec.group;
        const heading = el("div", "lp-group", group);
        parent.appendChild(heading);
        this.rows.push({ heading, section: parent });
      }
      const item = this.makeItem(spec);
      this.items.set(spec.name, item);
      parent.appendChild(item.el);
      this.rows.push({ item, section: parent });
    }
    this.applyFilter();
  }

  // The filter box: a lever shows when its label, group or unit holds every word typed (any case); a group's
  // heading shows when one of its levers does; a tier with a match opens while the filter is on, and goes back
  // to how the reader left it when the box is cleared.
  applyFilter() {
    const words = this.filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    let heading = null, headingShown = false, any = false;
    const hits = new Set();
    const closeHeading = () => { if (heading) heading.hidden = !headingShown; };
    for (const row of this.rows || []) {
      if (row.heading) {
        closeHeading();
        heading = row.heading;
        headingShown = false;
        continue;
      }
      const spec = row.item.spec;
      const text = `${spec.label} ${spec.group} ${spec.unit}`.toLowerCase();
      const shown = words.every((w) => text.includes(w));
      row.item.el.hidden = !shown;
      headingShown = headingShown || shown;
      any = any || shown;
      if (shown) hits.add(row.section);
    }
    closeHeading();
    for (const details of this.tiers || []) {
      if (words.length) {
        if (details.dataset.readerOpen === undefined) details.dataset.readerOpen = details.open ? "1" : "0";
        details.hidden = !hits.has(details);
        details.open = hits.has(details);
      } else {
        details.hidden = false;
        if (details.dataset.readerOpen !== undefined) {
          details.open = details.dataset.readerOpen === "1";
          delete details.dataset.readerOpen;
        }
      }
    }
    this.empty.hidden = any;
  }

  makeItem(spec) {
    const id = `lp-${spec.name}`;
    const node = el("div", "lp-lever");
    node.dataset.lever = spec.name;
    node.dataset.rangeReady = "false";
    const head = el("div", "lp-head");
    const label = el("label", "lp-label");
    label.htmlFor = id;
    const value = el("output", "lp-value");
    value.htmlFor = id;
    // "?" opens what the lever does, what is allowed, where this preset's value comes from, and its sources.
    const why = el("button", "lp-why", "?");
    why.type = "button";
    why.setAttribute("aria-expanded", "false");
    why.setAttribute("aria-controls", `${id}-about`);
    head.append(label, why, value);
    const track = el("div", "lp-track");
    const zones = el("div", "lp-zones");
    zones.setAttribute("aria-hidden", "true");
    const input = el("input");
    input.type = "range";
    input.id = id;
    track.append(zones, input);
    const caption = el("div", "lp-caption");
    const described = el("span", "lp-sr");
    described.id = `${id}-points`;
    input.setAttribute("aria-describedby", described.id);
    const note = el("div", "lp-note");
    const about = el("div", "lp-about");
    about.id = `${id}-about`;
    about.hidden = true;
    why.setAttribute("aria-label", `About ${spec.label}`);
    why.addEventListener("click", () => {
      about.hidden = !about.hidden;
      why.setAttribute("aria-expanded", about.hidden ? "false" : "true");
    });
    node.append(head, about, track, caption, note, described);
    const item = { el: node, input, label, value, zones, caption, note, described, about, spec, sig: "" };
    input.addEventListener("pointerdown", () => this.start(item, "pointer"));
    input.addEventListener("focus", () => this.ask(item));
    input.addEventListener("keydown", (event) => {
      if (!KEYS.has(event.key)) return;
      clearTimeout(this.keyTimer);
      this.start(item, "key");
    });
    input.addEventListener("keyup", (event) => {
      if (!KEYS.has(event.key) || this.active !== item.spec.name) return;
      clearTimeout(this.keyTimer);
      this.keyTimer = setTimeout(() => this.commit(item), this.data.keyCommitMs || 600);
    });
    input.addEventListener("blur", () => {
      if (this.active === item.spec.name && this.mode === "key") this.commit(item);
    });
    input.addEventListener("input", () => this.moved(item));
    this.fill(item, spec, "");
    return item;
  }

  fill(item, spec, sig) {
    item.sig = sig;
    item.spec = spec;
    const { input } = item;
    item.label.textContent = `${spec.label} [${spec.unit}]`;
    item.label.title = (spec.about && spec.about.text) || "";
    this.fillAbout(item.about, spec.about);
    if (spec.kind === "options") {
      input.min = "0";
      input.max = String(spec.options.length - 1);
      input.step = "1";
    } else {
      input.min = String(spec.min);
      input.max = String(spec.max);
      input.step = String(spec.step);
    }
    input.disabled = !!spec.disabled;
    item.el.dataset.disabled = spec.disabled ? "true" : "false";
    item.note.textContent = spec.note || "";
    item.zones.replaceChildren();
    for (const zone of spec.zones || []) {
      const z = el("div", "lp-zone", zone.name);
      z.style.left = `${zone.start * 100}%`;
      z.style.width = `${(zone.end - zone.start) * 100}%`;
      z.style.background = zone.colour;
      z.title = zone.name;
      item.zones.appendChild(z);
    }
    requestAnimationFrame(() => this.quietZones(item));
    const points = (spec.points || []).map((p) => `${p.text} ${p.name}`).join("; ");
    item.described.textContent = points ? `Named points: ${points}.` : "";
    this.setValue(item, spec.value);
  }

  // A zone too narrow for its name shows only its colour (the name is in its title, the caption and the
  // slider's spoken text), so no label is ever cut.
  quietZones(item) {
    for (const z of item.zones.children) {
      z.classList.remove("lp-zone-quiet");
      if (z.scrollWidth > z.clientWidth + 1) z.classList.add("lp-zone-quiet");
    }
  }

  fillAbout(box, about) {
    box.replaceChildren();
    if (!about) return;
    for (const text of [about.text, about.allowed, about.value]) if (text) box.appendChild(el("p", "", text));
    const table = (this.data && this.data.sources) || {};
    const sources = (about.sources || []).map((key) => ({ key, ...(table[key] || {}) }))
      .filter((s) => typeof s.url === "string" && /^https?:\/\//.test(s.url));
    if (!sources.length) return;
    const line = el("p", "", "Sources: ");
    sources.forEach((s, i) => {
      const a = el("a", "", `[${s.key}] ${s.author || ""}${s.verified ? "" : " (unverified link)"}`);
      a.href = s.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      if (i) line.appendChild(document.createTextNode(" · "));
      line.appendChild(a);
    });
    box.appendChild(line);
  }

  // ---- values and their texts ---------------------------------------------------------------------
  valueOf(item) {
    const { spec, input } = item;
    if (spec.kind === "options") return spec.options[Math.round(Number(input.value))];
    return Number(input.value);
  }

  setValue(item, value) {
    const { spec, input } = item;
    if (spec.kind === "options") input.value = String(nearestIndex(spec.options, value));
    else input.value = String(value);
    this.label(item);
  }

  text(spec, value) {
    if (spec.kind === "options") return spec.texts[nearestIndex(spec.options, value)];
    return value.toLocaleString("en-US", { minimumFractionDigits: spec.decimals, maximumFractionDigits: spec.decimals });
  }

  band(spec, value) {  // where the value sits among the named points (as ui.controls.band_text)
    const points = spec.points || [];
    const on = points.find((p) => value === p.value || (p.value !== 0 && Math.abs(value - p.value) <= 0.02 * Math.abs(p.value)));
    if (on) return `= ${on.name}`;
    const below = points.filter((p) => p.value < value).pop();
    const above = points.find((p) => p.value > value);
    const fmt = (p) => `${p.name} (${p.text})`;
    if (below && above) return `between ${fmt(below)} and ${fmt(above)}`;
    if (above) return `below ${fmt(above)}`;
    if (below) return `above ${fmt(below)}`;
    return "";
  }

  label(item) {
    const { spec, input } = item;
    const value = this.valueOf(item);
    const text = this.text(spec, value);
    const band = this.band(spec, value);
    item.value.textContent = text;
    item.caption.textContent = band;
    const unit = spec.unit === "switch 0/1" || /^(USD|FLOP)/.test(spec.unit) ? "" : ` ${spec.unit}`;
    input.setAttribute("aria-valuenow", String(value));
    const spoken = band.startsWith("= ") ? `named point ${band.slice(2)}` : band;  // "=" is not read aloud well
    input.setAttribute("aria-valuetext", `${text}${unit}${spoken ? `, ${spoken}` : ""}`);
  }

  // ---- interaction --------------------------------------------------------------------------------
  ask(item) {  // the range of this lever for this scenario, once
    const { name, token } = item.spec;
    const range = this.ranges.get(name);
    if (range && range.token === token) return;
    const asked = this.asked.get(name);
    if (asked && asked.token === token && Date.now() - asked.at < RETRY_MS) return;
    this.asked.set(name, { token, at: Date.now() });
    item.el.dataset.rangeReady = "false";
    this.send("touch", { lever: name, token });
  }

  start(item, mode) {
    if (item.input.disabled) return;
    if (this.active !== null && this.active !== item.spec.name) {
      const previous = this.items.get(this.active);
      if (previous) this.commit(previous);
    }
    this.active = item.spec.name;
    this.mode = mode;
    this.ask(item);
    this.showPreview(item);
  }

  moved(item) {
    this.label(item);
    if (this.active !== item.spec.name) this.start(item, this.mode || "pointer");
    this.requestFrame();
  }

  pointerUp() {
    if (this.mode !== "pointer" || this.active === null) return;
    // After the input's own change: the value the thumb was released at.
    setTimeout(() => {
      const item = this.items.get(this.active);
      if (item && this.mode === "pointer") this.commit(item);
    }, 0);
  }

  commit(item) {
    clearTimeout(this.keyTimer);
    const name = item.spec.name;
    if (this.active === name) {
      this.active = null;
      this.mode = null;
    }
    const value = this.valueOf(item);
    if (close(value, item.spec.value) && !this.pending.has(name)) {
      this.hidePreview();
      return;
    }
    this.pending.set(name, { value, at: Date.now() });
    this.send("commit", { lever: name, value });
    if (this.preview) {
      this.preview.host.dataset.state = "settling";
      this.preview.status.textContent = "Running the exact model for this value…";
    }
    setTimeout(() => {
      if (this.active === null && this.pending.has(name) && Date.now() - this.pending.get(name).at >= SETTLE_MS) {
        this.pending.delete(name);
        this.hidePreview();
      }
    }, SETTLE_MS + 50);
  }

  // ---- the preview: the headline chart and figures, over the page's chart --------------------------
  makePreview() {
    const host = document.createElement("div");
    host.dataset.testid = "lever-preview";
    host.dataset.state = "hidden";
    host.style.cssText = "position:fixed;z-index:1000100;pointer-events:none;display:none;";
    const shadow = host.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = PREVIEW_CSS;
    const card = el("div", "card");
    const title = el("div", "title");
    const status = el("div", "status");
    const figures = el("div", "figures");
    const legend = el("div", "legend");
    for (const [key, name, dash] of [["largest", "largest feasible run", ""], ["planned", "planned run", ""],
                                     ["frontier", "frontier", "2 3"], ["reference", "reference", "6 4"]]) {
      const entry = el("span", "entry");
      const swatch = svg("svg", { width: 18, height: 8 });
      swatch.appendChild(svg("line", { x1: 0, y1: 4, x2: 18, y2: 4, stroke: COLOURS[key], "stroke-width": 2,
                                        "stroke-dasharray": dash }));
      entry.append(swatch, el("span", "", name));
      legend.appendChild(entry);
    }
    const chart = svg("svg", { class: "chart", role: "img" });
    const foot = el("div", "foot", "Preview from precomputed runs: fans and outside estimates are hidden while " +
                    "dragging. Release for the exact run.");
    card.append(title, status, figures, legend, chart, foot);
    shadow.append(style, card);
    document.body.appendChild(host);
    this.preview = { host, card, title, status, figures, chart, cells: [], drawn: null, frames: 0 };
    return this.preview;
  }

  showPreview(item) {
    const p = this.preview || this.makePreview();
    p.host.style.display = "block";
    p.host.dataset.state = this.ranges.has(item.spec.name) ? "preview" : "computing";
    this.place(item);
    p.title.textContent = this.data.title || "";
    if (!this.ranges.has(item.spec.name)) {
      p.status.textContent = `Computing the range of ${item.spec.label}…`;
      p.chart.style.visibility = "hidden";
    }
    this.requestFrame();
  }

  hidePreview() {
    if (!this.preview) return;
    this.preview.host.style.display = "none";
    this.preview.host.dataset.state = "hidden";
  }

  place(item) {  // over the page's headline chart when it is on screen, else a card clear of the lever
    const p = this.preview;
    const vw = window.innerWidth, vh = window.innerHeight;
    const lever = item.el.getBoundingClientRect();
    const target = this.data.target ? document.querySelector(this.data.target) : null;
    let rect = null;
    if (target) {
      const r = target.getBoundingClientRect();
      const overlaps = !(r.right < lever.left || r.left > lever.right || r.bottom < lever.top || r.top > lever.bottom);
      if (r.width >= 260 && r.height >= 200 && r.top >= 0 && r.bottom <= vh && !overlaps) {
        rect = { left: r.left, top: r.top, width: r.width, height: Math.max(r.height, 300) };
        if (rect.top + rect.height > vh) rect.height = vh - rect.top;
        p.title.style.display = "none";  // the page's own chart title sits right above
      }
    }
    if (!rect) {
      const width = Math.min(vw - 12, 760);
      const below = vh - lever.bottom - 28;   // room under the lever and its caption
      const above = lever.top - 6;
      const room = Math.max(below, above);
      const height = Math.max(220, Math.min(Math.max(250, vh * 0.46), 420, room));
      const top = above >= below ? Math.max(6, lever.top - 6 - height) : vh - height - 6;
      rect = { left: (vw - width) / 2, top, width, height };
      p.title.style.display = "";
    }
    Object.assign(p.host.style, { left: `${rect.left}px`, top: `${rect.top}px`, width: `${rect.width}px`,
                                  height: `${rect.height}px` });
    p.size = null;  // measured again at the next frame
  }

  requestFrame() {
    if (this.frameWanted) return;
    this.frameWanted = true;
    requestAnimationFrame(() => {
      this.frameWanted = false;
      const name = this.active !== null ? this.active : [...this.pending.keys()].pop();
      const item = name !== undefined ? this.items.get(name) : null;
      if (item && this.preview && this.preview.host.style.display !== "none") this.draw(item);
    });
  }

  draw(item) {
    const p = this.preview;
    const range = this.ranges.get(item.spec.name);
    if (!range) return;
    p.host.dataset.state = this.pending.has(item.spec.name) && this.active === null ? "settling" : "preview";
    p.chart.style.visibility = "visible";
    const value = this.valueOf(item);
    const i = nearestIndex(range.values, value);
    const shown = range.values[i];
    const exact = close(shown, value);
    const spec = item.spec;
    if (p.host.dataset.state !== "settling") {
      p.status.textContent = exact
        ? `${spec.label}: ${this.text(spec, value)} (precomputed)`
        : `${spec.label}: ${this.text(spec, value)}, showing the nearest precomputed value, ${this.text(spec, shown)}`;
    }
    p.host.dataset.index = String(i);
    p.host.dataset.exact = exact ? "true" : "false";
    this.drawFigures(range, i);
    this.drawChart(range, i);
    p.frames += 1;
    p.host.dataset.frames = String(p.frames);
    this.live.textContent = `${spec.label} ${this.text(spec, value)}: ` +
      range.figures.labels.map((label, k) => `${label} ${range.figures.values[i][k]}`).join("; ");
  }

  drawFigures(range, i) {
    const p = this.preview;
    const labels = range.figures.labels;
    if (p.cells.length !== labels.length) {
      p.figures.replaceChildren();
      p.cells = labels.map(() => {
        const cell = el("div", "figure");
        const parts = { label: el("div", "label"), value: el("div", "value"), change: el("div", "change") };
        cell.append(parts.label, parts.value, parts.change);
        p.figures.appendChild(cell);
        return parts;
      });
    }
    labels.forEach((label, k) => {
      const cell = p.cells[k];
      if (cell.label.textContent !== label) cell.label.textContent = label;
      cell.value.textContent = range.figures.values[i][k];
      cell.change.textContent = range.figures.changes[i][k];
    });
  }

  drawChart(range, i) {
    const p = this.preview;
    const box = p.chart.getBoundingClientRect();
    const W = Math.max(120, box.width), H = Math.max(80, box.height);
    const row = (name) => {
      const s = range.series[name];
      return s.rows ? s.rows[i] : s.row;
    };
    if (!p.drawn || p.drawn.range !== range || p.drawn.W !== W || p.drawn.H !== H) this.axes(range, W, H);
    const { x, y, paths, runway, runwayText } = p.drawn;
    const line = (values) => {
      let d = "", pen = false;
      values.forEach((v, t) => {
        if (v === null || v === undefined) { pen = false; return; }
        d += `${pen ? "L" : "M"}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
        pen = true;
      });
      return d;
    };
    paths.largest.setAttribute("d", line(row("largest_run_flop")));
    paths.planned.setAttribute("d", line(row("planned_run_flop")));
    paths.frontier.setAttribute("d", line(row("frontier_flop")));
    const months = range.summary.runway_months[i];
    const T = range.months.length;
    if (months < T) {
      const px = x(months);
      runway.setAttribute("x1", px); runway.setAttribute("x2", px);
      runway.style.display = "";
      runwayText.style.display = "";
      const right = px > W / 2;
      runwayText.setAttribute("x", right ? px - 4 : px + 4);
      runwayText.setAttribute("text-anchor", right ? "end" : "start");
      runwayText.textContent = `runway ends: ${months} months`;
    } else {
      runway.style.display = "none";
      runwayText.style.display = "none";
    }
  }

  axes(range, W, H) {  // scales fixed for the whole range, so the chart does not jump while dragging
    const p = this.preview;
    const chart = p.chart;
    chart.replaceChildren();
    chart.setAttribute("viewBox", `0 0 ${W} ${H}`);
    const T = range.months.length;
    const index = new Map(range.months.map((m, t) => [m, t]));
    const reference = range.reference.months.map((m, k) => [index.get(m), range.reference.largest_run_flop[k]]);
    let lo = Infinity, hi = -Infinity;
    const see = (v) => { if (v !== null && v !== undefined) { lo = Math.min(lo, v); hi = Math.max(hi, v); } };
    for (const name of ["largest_run_flop", "planned_run_flop", "frontier_flop"]) {
      const s = range.series[name];
      (s.rows || [s.row]).forEach((r) => r.forEach(see));
    }
    reference.forEach(([t, v]) => { if (t !== undefined) see(v); });
    if (!isFinite(lo)) { lo = 20; hi = 30; }
    lo -= 0.12; hi += 0.12;
    const m = { l: 44, r: 8, t: 6, b: 20 };
    const x = (t) => m.l + (W - m.l - m.r) * (T > 1 ? t / (T - 1) : 0);
    const y = (v) => m.t + (H - m.t - m.b) * (1 - (v - lo) / (hi - lo));
    const grid = svg("g", { class: "grid" });
    const every = Math.max(1, Math.ceil((hi - lo) / Math.max(2, Math.floor((H - m.t - m.b) / 28))));
    for (let e = Math.ceil(lo); e <= hi; e += every) {
      grid.appendChild(svg("line", { x1: m.l, x2: W - m.r, y1: y(e), y2: y(e) }));
      const label = svg("text", { x: m.l - 4, y: y(e) + 3, "text-anchor": "end" });
      label.textContent = `1e${e}`;
      grid.appendChild(label);
    }
    const years = range.months.map((mm, t) => [mm, t]).filter(([mm]) => mm.endsWith("-01"));
    const skip = Math.max(1, Math.ceil(years.length * 34 / (W - m.l - m.r)));
    years.forEach(([mm, t], k) => {
      if (k % skip) return;
      const label = svg("text", { x: x(t), y: H - 5, "text-anchor": "middle" });
      label.textContent = mm.slice(0, 4);
      grid.appendChild(label);
    });
    chart.appendChild(grid);
    let refPath = "", pen = false;
    for (const [t, v] of reference) {
      if (t === undefined || v === null) { pen = false; continue; }
      refPath += `${pen ? "L" : "M"}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    }
    const path = (key, width, dash) => svg("path", { fill: "none", stroke: COLOURS[key], "stroke-width": width,
                                                      "stroke-dasharray": dash || "", "data-series": key });
    const paths = { reference: path("reference", 1.3, "6 4"), frontier: path("frontier", 2, "2 3"),
                    planned: path("planned", 2), largest: path("largest", 2.5) };
    paths.reference.setAttribute("d", refPath);
    const runway = svg("line", { y1: m.t, y2: H - m.b, stroke: COLOURS.runway, "stroke-width": 1.5,
                                 "stroke-dasharray": "5 4" });
    const runwayText = svg("text", { y: H - m.b - 5, class: "runway" });
    chart.append(paths.reference, paths.frontier, paths.planned, paths.largest, runway, runwayText);
    chart.setAttribute("aria-label", "Training runs: largest feasible run, planned run and frontier [FLOP, log]");
    p.drawn = { range, W, H, x, y, paths, runway, runwayText };
  }
}

const PREVIEW_CSS = `
.card { box-sizing: border-box; width: 100%; height: 100%; display: flex; flex-direction: column; gap: 2px;
        padding: 6px 8px; background: #fff; border: 1px solid #c9ccd3; border-radius: 6px;
        box-shadow: 0 4px 14px rgba(0, 0, 0, 0.18); font-family: "Source Sans Pro", sans-serif; color: #31333f;
        font-size: 13px; overflow: hidden; }
.title { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.status { color: #1565c0; font-size: 12px; min-height: 15px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 2px 10px; }
.figure .label { font-size: 11px; color: #5c5f6a; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.figure .value { font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; line-height: 1.15; }
.figure .change { font-size: 11px; color: #5c5f6a; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.legend { display: flex; flex-wrap: wrap; gap: 2px 10px; font-size: 11px; color: #5c5f6a; }
.legend .entry { display: inline-flex; align-items: center; gap: 3px; }
.chart { flex: 1 1 auto; min-height: 80px; width: 100%; }
.chart .grid line { stroke: #e6e8ec; stroke-width: 1; }
.chart text { font-size: 10px; fill: #5c5f6a; }
.chart text.runway { fill: #c62828; font-size: 11px; }
.foot { font-size: 10.5px; color: #6b6f7b; }
@media (max-width: 480px) {  /* a phone: figures two a row and tight, so the chart keeps its height */
  .card { padding: 4px 6px; font-size: 12px; }
  .figures { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
  .figure { min-width: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .figure .value { font-size: 15px; display: inline; margin-right: 4px; white-space: nowrap; }
  .figure .change { display: inline; font-size: 10.5px; }
  .figure .label { font-size: 10.5px; }
  .legend { font-size: 10px; }
  .foot { font-size: 10px; }
}
`;
