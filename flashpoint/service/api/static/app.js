// flashpoint live page: the map, the live list over SSE, an alert's explained detail.
// Plain JS, no library and no network beyond this server. All text from alerts is inserted with
// textContent, never as HTML.
"use strict";

const SEV = { none: 0, routine: 1, urgent: 2, flash: 3 };
const PAGE = 50;
const MAX_ROWS = 500;
const state = {
  token: null, filters: {}, items: new Map(), order: [], newest: null, cursor: null,
  countrySev: {}, selected: null, controller: null, backoff: 1000, liveSince: 0,
};
const $ = (sel) => document.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

// --- token -----------------------------------------------------------------------------------
function readToken() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get("token")) {
    localStorage.setItem("flashpoint-token", hash.get("token"));
    history.replaceState(null, "", location.pathname + location.search);  // keep it out of history
  }
  return localStorage.getItem("flashpoint-token");
}

function askToken(message) {
  setStatus("error", message || "token needed");
  $("#login").hidden = false;
}

$("#login").addEventListener("submit", (ev) => {
  ev.preventDefault();
  state.token = new FormData(ev.target).get("token").trim();
  localStorage.setItem("flashpoint-token", state.token);
  $("#login").hidden = true;
  start();
});

class AuthError extends Error {}

async function api(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params)) if (v) url.searchParams.set(k, v);
  const headers = state.token ? { Authorization: `Bearer ${state.token}` } : {};
  const response = await fetch(url, { headers });
  if (response.status === 401) throw new AuthError("unknown or missing token");
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
  return body;
}

function setStatus(kind, text) {
  const s = $("#status");
  s.dataset.state = kind;
  s.textContent = text;
}

// --- map -------------------------------------------------------------------------------------
async function loadMap() {
  const world = await (await fetch("/static/world-110m.json")).json();
  const svg = $("#map");
  svg.setAttribute("viewBox", world.viewBox);
  const ns = "http://www.w3.org/2000/svg";
  for (const [cc, shape] of Object.entries(world.countries)) {
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", shape.d);
    path.dataset.cc = cc;
    path.dataset.name = shape.name;
    const title = document.createElementNS(ns, "title");
    title.textContent = shape.name;
    path.append(title);
    path.addEventListener("click", () => {
      const input = $("#filters [name=country]");
      input.value = input.value === cc ? "" : cc;
      applyFilters();
    });
    svg.append(path);
  }
  paintMap();
}

function raiseCountry(cc, severity) {
  if (!cc || !(severity in SEV)) return;
  if ((SEV[state.countrySev[cc]] || 0) < SEV[severity]) state.countrySev[cc] = severity;
}

function paintMap() {
  const selected = (state.filters.country || "").toUpperCase().split(",");
  for (const path of document.querySelectorAll("#map path")) {
    const sev = state.countrySev[path.dataset.cc];
    path.setAttribute("class", (sev ? `sev-${sev}` : "") + (selected.includes(path.dataset.cc) ? " selected" : ""));
    path.dataset.severity = sev || "none";
    path.querySelector("title").textContent = `${path.dataset.name}: ${sev || "no alert"} (24 h)`;
  }
}

async function loadSeverities() {
  const data = await api("/v1/countries", { hours: "24" });
  state.countrySev = {};
  for (const [cc, row] of Object.entries(data.countries)) raiseCountry(cc, row.severity);
  for (const item of state.items.values()) raiseCountry(item.alert.primary_country, alertSeverity(item.alert));
  paintMap();
}

function alertSeverity(alert) { return alert.story_severity || alert.severity; }

// --- list ------------------------------------------------------------------------------------
function timeOf(alert) {
  const t = alert.updated_at || alert.first_seen;
  if (!t) return "";
  const d = new Date(t);
  return isNaN(d) ? "" : d.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

function rowFor(item, fresh) {
  const a = item.alert;
  const li = el("li", { "data-alert-id": a.id, "data-stream-id": item.stream_id, "data-country": a.primary_country || "",
                        tabindex: "0", class: fresh ? "fresh" : "" },
    el("span", { class: `badge sev-${a.severity}`, text: a.severity }),
    el("span", { class: "title", text: a.title || `(untitled) ${a.story_id || a.id}` }),
    el("span", { class: "meta", text: [a.primary_country || "--", timeOf(a), a.source, (a.signal_kinds || []).join(", ").replaceAll("_", " ")].filter(Boolean).join(" · ") }));
  li.addEventListener("click", () => showDetail(item.stream_id));
  li.addEventListener("keydown", (ev) => { if (ev.key === "Enter") showDetail(item.stream_id); });
  return li;
}

function addAlert(item, { fresh = false, append = false } = {}) {
  if (state.items.has(item.stream_id)) return;
  state.items.set(item.stream_id, item);
  const list = $("#alerts");
  if (append) list.append(rowFor(item, false)); else list.prepend(rowFor(item, fresh));
  raiseCountry(item.alert.primary_country, alertSeverity(item.alert));
  // a page left open for days keeps the newest MAX_ROWS alerts; older ones stay a page away
  while (state.items.size > MAX_ROWS && !append) {
    const last = list.lastElementChild;
    if (!last || last.dataset.streamId === state.selected) break;
    state.items.delete(last.dataset.streamId);
    last.remove();
    // "Older alerts" now continues below the oldest row still shown
    state.cursor = list.lastElementChild ? list.lastElementChild.dataset.streamId : null;
    $("#more").hidden = !state.cursor;
  }
  $("#count").textContent = `(${state.items.size})`;
}

async function loadList(more = false) {
  const params = { ...state.filters, limit: String(PAGE), cursor: more ? state.cursor : "" };
  const page = await api("/v1/alerts", params);
  if (!more) {
    state.items.clear();
    $("#alerts").replaceChildren();
    state.newest = page.alerts.length ? page.alerts[0].stream_id : null;
  }
  for (const item of page.alerts) addAlert(item, { append: true });
  state.cursor = page.next_cursor;
  $("#more").hidden = !page.next_cursor;
  $("#count").textContent = `(${state.items.size})`;
  paintMap();
}
$("#more").addEventListener("click", () => loadList(true));

// --- live stream (fetch + ReadableStream: EventSource cannot send an Authorization header) ---
async function follow() {
  if (state.controller) state.controller.abort();
  const controller = new AbortController();
  state.controller = controller;
  while (!controller.signal.aborted) {
    try {
      const url = new URL("/v1/alerts/stream", location.origin);
      for (const [k, v] of Object.entries(state.filters)) if (v) url.searchParams.set(k, v);
      const headers = { Authorization: `Bearer ${state.token}` };
      if (state.newest) headers["Last-Event-ID"] = state.newest;  // resume exactly after it
      else url.searchParams.set("since", new Date(state.liveSince).toISOString());
      const response = await fetch(url, { headers, signal: controller.signal });
      if (response.status === 401) { askToken("unknown token"); return; }
      if (!response.ok) throw new Error(`stream answered ${response.status}`);
      setStatus("live", "live");
      state.backoff = 1000;
      await readEvents(response.body, controller.signal);
    } catch (err) {
      if (controller.signal.aborted) return;
      console.warn("stream interrupted:", err);
    }
    setStatus("connecting", "reconnecting…");
    await new Promise((r) => setTimeout(r, state.backoff));
    state.backoff = Math.min(15000, state.backoff * 2);
  }
}

async function readEvents(body, signal) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  while (!signal.aborted) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let id = null, data = "", event = "message";
      for (const line of block.split("\n")) {
        if (line.startsWith("id: ")) id = line.slice(4);
        else if (line.startsWith("data: ")) data += line.slice(6);
        else if (line.startsWith("event: ")) event = line.slice(7);
      }
      if (event === "alert" && id && data) {
        state.newest = id;
        addAlert({ stream_id: id, alert: JSON.parse(data) }, { fresh: true });
        paintMap();
      }
    }
  }
}

// --- detail ----------------------------------------------------------------------------------
function evidenceBlock(signals) {
  const spans = new Map();
  signals.forEach((s, i) => {
    const ev = s.evidence;
    if (!ev || !ev.text) return;
    const key = `${ev.start}:${ev.end}`;
    if (!spans.has(key)) spans.set(key, { start: ev.start, end: ev.end, text: ev.text, refs: [] });
    spans.get(key).refs.push(i + 1);
  });
  const box = el("div", { class: "evidence", "data-testid": "evidence" });
  let prevEnd = null;
  for (const span of [...spans.values()].sort((a, b) => a.start - b.start)) {
    const p = el("p");
    if (prevEnd === null ? span.start > 0 : span.start > prevEnd + 1) p.append(el("span", { class: "gap", text: "… " }));
    p.append(el("mark", { class: "evidence-span", title: `signal ${span.refs.join(", ")}` }, span.text,
                el("sup", { text: span.refs.join(",") })));
    box.append(p);
    prevEnd = Math.max(prevEnd || 0, span.end);
  }
  if (!spans.size) box.append(el("p", { class: "gap", text: "No evidence spans in this alert." }));
  return box;
}

function actorsText(s) {
  // schema 2: typed actors ({name, type, country, role}); schema 1: actor and target strings
  if (Array.isArray(s.actors) && s.actors.length) {
    return s.actors.map((a) => `${a.name || a.country || "?"} (${(a.type || "unknown").replaceAll("_", " ")}${a.role && a.role !== "actor" ? `, ${a.role}` : ""})`).join("; ");
  }
  return [s.actor, s.target].filter(Boolean).join(" → ") || "–";
}

function numbersText(s) {
  const parts = [];
  if (s.quantity !== null && s.quantity !== undefined) parts.push(`${s.approximate ? "≥ " : ""}${Number(s.quantity).toLocaleString()}`);
  if (s.fatalities !== null && s.fatalities !== undefined) parts.push(`${Number(s.fatalities).toLocaleString()} killed`);
  return parts.join(", ") || "–";
}

function signalsTable(signals) {
  const head = el("tr", {}, ...["#", "kind", "modality", "actors", "numbers", "rule", "why"].map((h) => el("th", { text: h })));
  const rows = signals.map((s, i) => el("tr", { "data-kind": s.kind },
    el("td", { "data-label": "#", text: String(i + 1) }),
    el("td", { "data-label": "kind", text: (s.kind || "").replaceAll("_", " ") }),
    el("td", { "data-label": "modality", text: [s.modality, s.when].filter(Boolean).join(" · ") }),
    el("td", { "data-label": "actors", text: actorsText(s) }),
    el("td", { "data-label": "numbers", text: numbersText(s) }),
    el("td", { "data-label": "rule" }, el("code", { text: s.rule_id || "" })),
    el("td", { "data-label": "why", class: "why", text: s.explanation || "" })));
  return el("table", { class: "signals" }, el("thead", {}, head), el("tbody", {}, ...rows));
}

function showDetail(streamId) {
  const item = state.items.get(streamId);
  if (!item) return;
  const a = item.alert;
  state.selected = streamId;
  for (const li of document.querySelectorAll("#alerts li")) li.classList.toggle("active", li.dataset.streamId === streamId);
  const signals = a.signals || [];
  const link = a.url || (a.links && a.links.article);
  const facts = el("dl", { class: "facts" });
  const fact = (k, v) => { if (v) facts.append(el("dt", { text: k }), el("dd", {}, v)); };
  fact("severity", `${a.severity}${a.severity_reason ? ` — ${a.severity_reason}` : ""}`);
  fact("alert", `${a.type || ""} ${a.reason ? `(${a.reason})` : ""}`.trim());
  fact("countries", [a.primary_country, ...(a.countries || []).filter((c) => c !== a.primary_country)].filter(Boolean).join(", "));
  fact("regions", (a.subdivisions || []).join(", "));
  fact("source", a.source);
  fact("published", a.published_at);
  fact("updated", timeOf(a));
  fact("story", `${a.story_id || "–"} · version ${a.version || 1} · ${a.reprints || 0} reprints`);
  if (link) fact("article", el("a", { href: link, target: "_blank", rel: "noopener noreferrer", "data-testid": "article-link", text: link }));
  $("#detail-body").replaceChildren(
    el("h3", { text: a.title || `(untitled) ${a.story_id || a.id}` }),
    facts,
    el("h4", { text: "Evidence in the article" }),
    evidenceBlock(signals),
    signals.length ? signalsTable(signals) : el("p", { class: "muted", text: a.type === "surge" ? `Surge: ${a.count} signals vs a baseline of ${a.baseline}` : "No signals." }));
  $("#detail").hidden = false;
  if (window.matchMedia("(max-width: 760px)").matches) $("#detail").scrollIntoView({ block: "start" });
}
$("#close").addEventListener("click", () => { $("#detail").hidden = true; state.selected = null; });

// --- filters & start -------------------------------------------------------------------------
async function fillKinds() {
  if ($("#filters [name=kind]").options.length > 1) return;
  const data = await api("/v1/kinds");
  const select = $("#filters [name=kind]");
  for (const kind of data.kinds) select.append(el("option", { value: kind, text: kind.replaceAll("_", " ") }));
}

function readFilters() {
  const form = new FormData($("#filters"));
  const out = {};
  for (const key of ["country", "kind", "min_severity", "q"]) {
    const v = (form.get(key) || "").trim();
    if (v) out[key] = v;
  }
  return out;
}

async function applyFilters() {
  state.filters = readFilters();
  try {
    await loadList();
    state.liveSince = Date.now();
    follow();
  } catch (err) { handleError(err); }
}
$("#filters").addEventListener("submit", (ev) => { ev.preventDefault(); applyFilters(); });
$("#filters").addEventListener("reset", () => setTimeout(applyFilters, 0));

function handleError(err) {
  if (err instanceof AuthError) askToken(err.message); else setStatus("error", err.message);
}

async function start() {
  state.token = state.token || readToken();
  try {
    await fillKinds();
    await loadSeverities();
    await applyFilters();
  } catch (err) { handleError(err); }
}

loadMap().catch((err) => console.error("map:", err));
start();
setInterval(() => { if (state.token) loadSeverities().catch(() => {}); }, 60000);
