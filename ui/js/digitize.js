// Số hóa: imported files grouped into documents, reordered by drag or by the Up/Down buttons,
// split and merged, deleted; the dossier form validated field by field by the Rust side (the
// library's own validators); the build streamed over a channel into a progress bar.

import { invoke, channel, listen, errorText } from "./api.js";
import { t } from "./i18n.js";
import { queueForSigning } from "./sign.js";
import { showPath, openButtons } from "./paths.js";
import { oneLanguage } from "./words.js";

let showScreenFn = () => {};

const state = {
  revision: -1,
  sources: new Map(), // id → source
  docs: [],           // [{name, doc_type, date, issuer, items: [id]}]
  touched: new Set(), // fields the officer has left at least once
  showAll: false,     // after a build attempt every problem is shown
  problems: [],
  rotation: new Map(), // id → degrees clockwise (90, 180, 270)
  removed: new Set(),  // files taken out of the dossier (kept in the session for "Hoàn tác")
};
const thumbs = new Map(); // id → blob URL (or null while loading / when none)
let observer = null;

const $ = (id) => document.getElementById(id);
const FIELDS = ["code", "title", "retention", "access", "archival_code", "start_date", "end_date", "keywords", "language"];

function newDoc() {
  return { name: "", doc_type: "", date: "", issuer: "", items: [] };
}

/** Takes a source list from the shell (newest revision wins) and fits it into the documents. */
function applySources(list) {
  if (list.revision <= state.revision) return;
  state.revision = list.revision;
  const known = new Set(list.sources.map((s) => s.id));
  const placed = new Set(state.docs.flatMap((d) => d.items));
  state.sources = new Map(list.sources.map((s) => [s.id, s]));
  for (const d of state.docs) d.items = d.items.filter((id) => known.has(id));
  const fresh = list.sources.filter((s) => !placed.has(s.id) && !state.removed.has(s.id)).map((s) => s.id);
  if (fresh.length) {
    if (!state.docs.length) state.docs.push(newDoc());
    state.docs[state.docs.length - 1].items.push(...fresh);
  }
  const box = $("import-failures");
  box.replaceChildren();
  box.hidden = !list.failed.length;
  if (list.failed.length) {
    const p = document.createElement("p");
    p.textContent = t("failedImport");
    const ul = document.createElement("ul");
    for (const f of list.failed) {
      const li = document.createElement("li");
      li.textContent = `${f.path}: ${oneLanguage(f.message)}`;
      ul.append(li);
    }
    box.append(p, ul);
  }
  render();
  if (fresh.length) announce(t("imported", { n: fresh.length }));
  scheduleValidate();
}

function announce(text) {
  $("build-status").textContent = text;
}

// ───── documents and page cards ─────

function button(label, aria, onClick, { disabled = false, describedBy = null } = {}) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "small";
  b.textContent = label;
  b.setAttribute("aria-label", aria);
  b.disabled = disabled;
  if (describedBy) b.setAttribute("aria-describedby", describedBy);
  b.addEventListener("click", onClick);
  return b;
}

function docField(doc, n, key, labelKey, placeholder = "") {
  const wrap = document.createElement("div");
  wrap.className = "field";
  const id = `doc-${n}-${key}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = t(labelKey);
  const input = document.createElement("input");
  input.id = id;
  input.value = doc[key];
  input.placeholder = placeholder;
  input.autocomplete = "off";
  input.dataset.field = `doc.${n}.${key}`;
  input.addEventListener("input", () => { doc[key] = input.value; scheduleValidate(); });
  input.addEventListener("blur", () => { state.touched.add(input.dataset.field); scheduleValidate(0); });
  const err = document.createElement("p");
  err.className = "field-error";
  err.id = `err-doc.${n}.${key}`;
  err.setAttribute("aria-live", "polite");
  input.setAttribute("aria-describedby", err.id);
  wrap.append(label, input, err);
  return wrap;
}

/** Position of a source: [document index, item index]. */
function where(id) {
  for (let d = 0; d < state.docs.length; d++) {
    const i = state.docs[d].items.indexOf(id);
    if (i >= 0) return [d, i];
  }
  return null;
}

function flat() {
  return state.docs.flatMap((d, di) => d.items.map((id) => ({ id, di })));
}

/** Moves a source one step earlier (-1) or later (+1), crossing document boundaries. */
function move(id, step) {
  const [d, i] = where(id);
  const doc = state.docs[d];
  if (step < 0) {
    if (i > 0) [doc.items[i - 1], doc.items[i]] = [doc.items[i], doc.items[i - 1]];
    else if (d > 0) { doc.items.splice(i, 1); state.docs[d - 1].items.push(id); }
  } else {
    if (i < doc.items.length - 1) [doc.items[i + 1], doc.items[i]] = [doc.items[i], doc.items[i + 1]];
    else if (d < state.docs.length - 1) { doc.items.splice(i, 1); state.docs[d + 1].items.unshift(id); }
  }
  afterChange(id, step < 0 ? "up" : "down");
  const pos = flat().findIndex((x) => x.id === id) + 1;
  announce(t("moved", { name: state.sources.get(id).name, pos }));
}

/** Puts `id` just before `beforeId` (or at the end of document `docIndex` when null). */
function dropAt(id, beforeId, docIndex) {
  const [d, i] = where(id);
  state.docs[d].items.splice(i, 1);
  if (beforeId != null && beforeId !== id) {
    const [bd, bi] = where(beforeId);
    state.docs[bd].items.splice(bi, 0, id);
  } else {
    state.docs[docIndex].items.push(id);
  }
  afterChange(id, null);
}

/** Starts a new document at `id`: it and the files after it in its document move there. */
function split(id) {
  const [d, i] = where(id);
  const rest = state.docs[d].items.splice(i);
  const doc = newDoc();
  doc.items = rest;
  state.docs.splice(d + 1, 0, doc);
  afterChange(id, "split");
}

function merge(d) {
  state.docs[d - 1].items.push(...state.docs[d].items);
  state.docs.splice(d, 1);
  afterChange(null, null);
  $(`doc-${d}-name`)?.focus();
}

/** Takes a file out of the dossier; "Hoàn tác" (or Ctrl+Z) puts it back where it was. The file
 * stays in the session until the dossier is built or a new one is started. */
async function remove(id) {
  const name = state.sources.get(id).name;
  const order = flat();
  const k = order.findIndex((x) => x.id === id);
  const next = order[k + 1]?.id ?? order[k - 1]?.id;
  const [d, i] = where(id) || [0, 0];
  const docBefore = state.docs[d];
  state.removed.add(id);
  state.docs[d].items.splice(i, 1);
  state.docs = state.docs.filter((x, j) => x.items.length || j === 0);
  lastRemoved = { id, doc: docBefore, d, i, name };
  render();
  if (next != null) document.querySelector(`[data-id="${next}"] .btn-remove`)?.focus();
  announce(t("removed", { name }));
  showUndo();
  scheduleValidate();
}

let lastRemoved = null;

function showUndo() {
  const box = $("undo-box");
  if (!box) return;
  box.hidden = !lastRemoved;
  if (lastRemoved) $("undo-text").textContent = t("removed", { name: lastRemoved.name });
}

function undoRemove() {
  const r = lastRemoved;
  if (!r) return;
  lastRemoved = null;
  state.removed.delete(r.id);
  let doc = state.docs.includes(r.doc) ? r.doc : null;
  if (!doc) {
    doc = r.doc;
    state.docs.splice(Math.min(r.d, state.docs.length), 0, doc);
    state.docs = state.docs.filter((x) => x.items.length || x === doc);
  }
  doc.items.splice(Math.min(r.i, doc.items.length), 0, r.id);
  render();
  document.querySelector(`[data-id="${r.id}"] .btn-remove`)?.focus();
  announce(t("restoredOne", { name: r.name }));
  showUndo();
  scheduleValidate();
}

// ───── the working dossier, saved as it changes (restored after a crash or restart) ─────

let saveTimer = null;
function scheduleSave() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveDraft, 400);
}

async function saveDraft() {
  const f = {};
  for (const k of FIELDS) f[k] = $(`f-${k}`).value;
  const draft = {
    form: f,
    docs: state.docs.map((d) => ({ fields: { name: d.name, doc_type: d.doc_type, date: d.date, issuer: d.issuer }, items: d.items })),
    rotation: [...state.rotation],
  };
  try {
    await invoke("save_draft", { draft });
    document.body.dataset.draftSaved = String(Date.now());
  } catch (e) { announce(errorText(e)); }
}

/** The dossier left by the last run, put back (its files imported again by the shell). */
async function restoreDraft() {
  let r = null;
  try { r = await invoke("restore_draft"); } catch { return; }
  if (!r || !r.draft.docs.some((d) => d.items.length)) return;
  state.docs = r.draft.docs.filter((d) => d.items.length).map((d) => ({ ...newDoc(), ...d.fields, items: d.items }));
  for (const [id, deg] of r.draft.rotation) state.rotation.set(id, deg);
  for (const k of FIELDS) if (typeof r.draft.form?.[k] === "string") $(`f-${k}`).value = r.draft.form[k];
  applySources(r.list);
  const n = state.docs.reduce((a, d) => a + d.items.length, 0);
  announce(r.missing ? t("draftRestoredMissing", { n, missing: r.missing }) : t("draftRestored", { n }));
}

function afterChange(focusId, which) {
  // A document emptied by moves disappears, unless it is the only one.
  state.docs = state.docs.filter((d) => d.items.length || state.docs.length === 1);
  render();
  if (focusId != null) {
    const card = document.querySelector(`[data-id="${focusId}"]`);
    // Keep focus on the button just used; when it became disabled (top or bottom reached), on
    // its partner, else on the card's first usable button.
    const partner = { up: "down", down: "up", split: "up" }[which];
    const candidates = [which && `.btn-${which}`, partner && `.btn-${partner}`, "button"].filter(Boolean);
    for (const sel of candidates) {
      const b = card?.querySelector(`${sel}:not(:disabled)`);
      if (b) { b.focus(); break; }
    }
  }
  scheduleValidate();
}

function pageCard(id, d) {
  const s = state.sources.get(id);
  const li = document.createElement("li");
  li.className = "page";
  li.dataset.id = id;
  li.draggable = true;
  const thumb = document.createElement("div");
  thumb.className = "thumb";
  const deg = state.rotation.get(id) || 0;
  thumb.dataset.rotate = String(deg);
  if (s.format === "jpeg" || s.format === "png") {
    const img = document.createElement("img");
    img.alt = s.name;
    const url = thumbs.get(id);
    if (url) img.src = url;
    else { img.dataset.pending = String(id); observer.observe(img); }
    thumb.append(img);
  } else {
    const ph = document.createElement("div");
    ph.className = "placeholder";
    const strong = document.createElement("strong");
    strong.textContent = s.format.toUpperCase();
    const span = document.createElement("span");
    span.textContent = `${s.pages === 1 ? t("page1") : t("pages", { n: s.pages })} · ${t("noPreview")}`;
    ph.append(strong, span);
    thumb.append(ph);
  }
  const name = document.createElement("p");
  name.className = "name";
  name.textContent = s.name;
  name.title = s.path;
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = `${s.format.toUpperCase()} · ${s.pages === 1 ? t("page1") : t("pages", { n: s.pages })}`;
  const order = flat();
  const k = order.findIndex((x) => x.id === id);
  const actions = document.createElement("div");
  actions.className = "actions";
  const up = button(`↑ ${t("up")}`, t("upLabel", { name: s.name }), () => move(id, -1), { disabled: k === 0 });
  up.classList.add("btn-up");
  const down = button(`↓ ${t("down")}`, t("downLabel", { name: s.name }), () => move(id, 1), { disabled: k === order.length - 1 });
  down.classList.add("btn-down");
  const rot = button(`⟳ ${t("rotate")}${deg ? ` ${deg}°` : ""}`, t("rotateLabel", { name: s.name }), () => rotate(id));
  rot.classList.add("btn-rotate");
  const del = button(`✕ ${t("remove")}`, t("removeLabel", { name: s.name }), () => remove(id));
  del.classList.add("btn-remove");
  const [, i] = where(id);
  const sp = button(`✂ ${t("split")}`, t("splitLabel", { name: s.name }), () => split(id), { disabled: i === 0 });
  sp.classList.add("btn-split");
  actions.append(up, down, rot, del, sp);
  li.append(thumb, name, meta, actions);

  li.addEventListener("dragstart", (e) => {
    e.dataTransfer.setData("text/x-hoso-source", String(id));
    e.dataTransfer.effectAllowed = "move";
    li.classList.add("dragging");
  });
  li.addEventListener("dragend", () => li.classList.remove("dragging"));
  li.addEventListener("dragover", (e) => {
    if (!e.dataTransfer.types.includes("text/x-hoso-source")) return;
    e.preventDefault();
    li.classList.add("drop-before");
  });
  li.addEventListener("dragleave", () => li.classList.remove("drop-before"));
  li.addEventListener("drop", (e) => {
    const from = Number(e.dataTransfer.getData("text/x-hoso-source"));
    if (!from) return;
    e.preventDefault();
    e.stopPropagation();
    dropAt(from, id, d);
  });
  return li;
}

function render() {
  const box = $("documents");
  box.replaceChildren();
  $("empty-pages").hidden = state.sources.size > 0;
  if (!state.sources.size) return;
  state.docs.forEach((doc, d) => {
    const n = d + 1;
    const fs = document.createElement("fieldset");
    fs.className = "doc";
    const legend = document.createElement("legend");
    legend.className = "sr-only";
    legend.textContent = t("docNum", { n });
    const head = document.createElement("div");
    head.className = "doc-head";
    const num = document.createElement("span");
    num.className = "num";
    num.textContent = `${n}.`;
    head.append(
      num,
      docField(doc, n, "name", "docName", t("docNum", { n })),
      docField(doc, n, "doc_type", "docType"),
      docField(doc, n, "date", "docDate", "YYYY-MM-DD"),
      docField(doc, n, "issuer", "docIssuer"),
    );
    if (d > 0) head.append(button(t("merge"), `${t("merge")}: ${t("docNum", { n })}`, () => merge(d)));
    else head.append(document.createElement("span"));
    const ol = document.createElement("ol");
    ol.className = "pages";
    ol.setAttribute("aria-label", t("docNum", { n }));
    for (const id of doc.items) ol.append(pageCard(id, d));
    ol.addEventListener("dragover", (e) => {
      if (e.dataTransfer.types.includes("text/x-hoso-source")) e.preventDefault();
    });
    ol.addEventListener("drop", (e) => {
      const from = Number(e.dataTransfer.getData("text/x-hoso-source"));
      if (!from) return;
      e.preventDefault();
      dropAt(from, null, d);
    });
    const err = document.createElement("p");
    err.className = "field-error";
    err.id = `err-doc.${n}.sources`;
    fs.append(legend, head, ol, err);
    box.append(fs);
  });
  showProblems();
}

// ───── thumbnails (lazy: only for cards on screen) ─────

async function loadThumb(img) {
  const id = Number(img.dataset.pending);
  delete img.dataset.pending;
  img.alt = `${state.sources.get(id)?.name ?? ""}`;
  try {
    const bytes = await invoke("source_preview", { id });
    const url = URL.createObjectURL(new Blob([bytes], { type: "image/jpeg" }));
    thumbs.set(id, url);
    for (const el of document.querySelectorAll(`[data-id="${id}"] img`)) el.src = url;
  } catch (e) {
    img.replaceWith(Object.assign(document.createElement("div"), {
      className: "placeholder",
      textContent: `${t("noPreview")}: ${errorText(e)}`,
    }));
  }
}

// ───── the form and its validation ─────

/** A quarter turn clockwise more for one file's pages (written as the page's /Rotate). */
function rotate(id) {
  const deg = ((state.rotation.get(id) || 0) + 90) % 360;
  if (deg) state.rotation.set(id, deg); else state.rotation.delete(id);
  const name = state.sources.get(id)?.name || "";
  render();
  document.querySelector(`.page[data-id="${id}"] .btn-rotate`)?.focus();
  announce(t("rotated", { name, deg }));
  scheduleSave();
}

function form() {
  const f = {};
  for (const k of FIELDS) f[k] = $(`f-${k}`).value;
  f.documents = state.docs.map((d) => ({
    name: d.name, doc_type: d.doc_type, date: d.date, issuer: d.issuer, sources: d.items,
  }));
  f.rotate = Object.fromEntries(state.rotation);
  return f;
}

function showProblems() {
  for (const el of document.querySelectorAll(".field-error")) el.textContent = "";
  for (const el of document.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  for (const p of state.problems) {
    if (!state.showAll && !state.touched.has(p.field)) continue;
    const err = document.getElementById(`err-${p.field}`);
    const said = oneLanguage(p.message);
    if (err) err.textContent = err.textContent ? `${err.textContent} ${said}` : said;
    const input = document.getElementById(`f-${p.field}`) || document.querySelector(`[data-field="${p.field}"]`);
    input?.setAttribute("aria-invalid", "true");
  }
}

let validateTimer = null;
let validateSeq = 0;
function scheduleValidate(delay = 250) {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(validate, delay);
  scheduleSave();
}

async function validate() {
  const seq = ++validateSeq;
  const problems = await invoke("validate_dossier", { form: form() });
  if (seq !== validateSeq) return problems; // a newer check is on its way
  state.problems = problems;
  showProblems();
  return problems;
}

// ───── build ─────

async function build(e) {
  e.preventDefault();
  state.showAll = true;
  const problems = await validate();
  const errBox = $("build-error");
  errBox.hidden = true;
  if (problems.length) {
    announce(t("fixFields", { n: problems.length }));
    const first = problems[0].field;
    (document.getElementById(`f-${first}`) || document.querySelector(`[data-field="${first}"]`))?.focus();
    if (["retention", "archival_code", "start_date", "end_date", "language"].includes(first)) {
      document.querySelector("details.meta").open = true;
      $(`f-${first}`)?.focus();
    }
    return;
  }
  const bar = $("build-progress");
  const btn = $("btn-build");
  const cancel = $("btn-build-cancel");
  bar.hidden = false;
  bar.value = 0;
  bar.dataset.events = "0";
  bar.dataset.ocr = "0";
  btn.disabled = true;
  cancel.hidden = false;
  cancel.disabled = false;
  const progress = channel((m) => {
    bar.dataset.events = String(Number(bar.dataset.events) + 1);
    bar.dataset.stage = m.stage;
    if (m.stage === "planned") { bar.max = Math.max(1, m.pages); announce(t("planned", { n: m.pages })); }
    else if (m.stage === "clean") { bar.max = m.total; bar.value = m.done; announce(t("cleaning", m)); }
    else if (m.stage === "ocr") { bar.max = m.total; bar.value = m.done; bar.dataset.ocr = String(m.done); announce(t("ocring", m)); }
    else if (m.stage === "page") { bar.max = m.total; bar.value = m.done; announce(t("page", m)); }
    else if (m.stage === "finishing") { bar.value = bar.max; announce(t("finishing")); }
  });
  const choices = { clean: $("f-clean").checked, ocr: $("f-ocr").checked };
  try {
    const r = await invoke("build_dossier", { form: form(), choices, progress });
    showResult(r);
  } catch (err) {
    if (err && err.kind === "cancelled") {
      announce(t("cancelled"));
    } else {
      errBox.textContent = errorText(err);
      errBox.hidden = false;
      if (err && err.problems && err.problems.length) { state.problems = err.problems; showProblems(); }
      announce("");
    }
  } finally {
    btn.disabled = false;
    cancel.hidden = true;
    bar.hidden = true;
  }
}

function showResult(r) {
  showPath($("r-path"), r.path);
  $("r-sha256").textContent = r.sha256;
  $("r-pages").textContent = String(r.pages);
  $("r-documents").textContent = String(r.documents);
  $("r-level").textContent = r.pdfa && typeof r.pdfa.line === "string" ? `${r.level} — ${oneLanguage(r.pdfa.line)}` : r.level;
  $("r-size").textContent = t("bytes", { n: r.bytes.toLocaleString("vi-VN") });
  $("r-register").textContent = t("registerSeq", { seq: r.register_seq });
  state.lastBuilt = r.document;
  $("r-open").replaceChildren(openButtons(r.document));
  const ul = $("r-warnings");
  ul.replaceChildren(...r.warnings.map((w) => Object.assign(document.createElement("li"), { textContent: oneLanguage(w) })));
  $("r-warnings-box").hidden = !r.warnings.length;
  $("build-form").hidden = true;
  const box = $("build-result");
  box.hidden = false;
  box.focus();
  announce("");
}

async function reset() {
  const ids = [...state.sources.keys()];
  for (const url of thumbs.values()) if (url) URL.revokeObjectURL(url);
  thumbs.clear();
  state.docs = [];
  state.touched.clear();
  state.showAll = false;
  state.problems = [];
  state.rotation.clear();
  state.removed.clear();
  lastRemoved = null;
  showUndo();
  for (const k of FIELDS) if (k !== "access") $(`f-${k}`).value = "";
  applySources(await invoke("remove_sources", { ids }));
  await saveDraft();
  $("build-result").hidden = true;
  $("build-form").hidden = false;
  $("btn-import").focus();
}

export async function initDigitize(info, showScreen) {
  showScreenFn = showScreen;
  observer = new IntersectionObserver((entries) => {
    for (const en of entries) {
      if (!en.isIntersecting) continue;
      observer.unobserve(en.target);
      if (en.target.dataset.pending) loadThumb(en.target);
    }
  }, { rootMargin: "400px" });

  initScanPanel();
  $("btn-import").addEventListener("click", async () => {
    try { applySources(await invoke("pick_files")); } catch (e) { announce(errorText(e)); }
  });
  for (const k of FIELDS) {
    const el = $(`f-${k}`);
    el.addEventListener("input", () => scheduleValidate());
    el.addEventListener("blur", () => { state.touched.add(k); scheduleValidate(0); });
  }
  $("dossier-form").addEventListener("submit", build);
  $("btn-new").addEventListener("click", reset);
  $("btn-result-sign").addEventListener("click", () => {
    if (!state.lastBuilt) return;
    queueForSigning([state.lastBuilt]);
    showScreenFn("sign");
  });
  $("btn-back").addEventListener("click", () => {
    $("build-result").hidden = true;
    $("build-form").hidden = false;
    $("btn-build").focus();
  });
  document.addEventListener("hoso:lang", () => { render(); showUndo(); });
  $("btn-undo")?.addEventListener("click", undoRemove);
  document.addEventListener("keydown", (e) => {
    if (document.body.dataset.screen !== "digitize" || !(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== "z") return;
    if (e.target.matches?.("input, textarea, select")) return; // the field's own undo
    if (lastRemoved) { e.preventDefault(); undoRemove(); }
  });
  // Files dropped on the window are imported by the shell, which then sends the new list.
  await listen("sources-changed", applySources);
  await restoreDraft();
  applySources(await invoke("list_sources"));
}

/** The scan panel: SANE devices, source, resolution, colour; pages arrive as imported files. */
function initScanPanel() {
  const panel = $("scan-panel");
  const status = $("scan-status");
  const FIELDS_SCAN = ["scan-source", "scan-dpi", "scan-mode"];
  // The officer's last choices are this station's scanner defaults.
  const remembered = () => { try { return JSON.parse(localStorage.getItem("hoso.scan") || "{}"); } catch { return {}; } };
  for (const id of FIELDS_SCAN) {
    const v = remembered()[id];
    if (v) $(id).value = v;
  }
  const remember = () => {
    const v = Object.fromEntries([...FIELDS_SCAN, "scan-device"].map((id) => [id, $(id).value]));
    try { localStorage.setItem("hoso.scan", JSON.stringify(v)); } catch { /* not remembered */ }
  };
  $("btn-scan").addEventListener("click", async () => {
    panel.hidden = !panel.hidden;
    $("btn-scan").setAttribute("aria-expanded", String(!panel.hidden));
    if (panel.hidden) return;
    try {
      const devices = await invoke("list_scanners");
      $("scan-device").replaceChildren(...devices.map((d) => Object.assign(document.createElement("option"), {
        value: d.name, textContent: `${d.vendor} ${d.model} (${d.name})`,
      })));
      const last = remembered()["scan-device"];
      if (last && devices.some((d) => d.name === last)) $("scan-device").value = last;
      status.textContent = devices.length ? "" : t("noScanner");
      $("btn-scan-go").disabled = !devices.length;
    } catch (e) { status.textContent = errorText(e); }
  });
  $("btn-scan-go").addEventListener("click", async () => {
    $("btn-scan-go").disabled = true;
    $("btn-scan-cancel").disabled = false;
    remember();
    let saved = 0;
    const progress = channel((p) => {
      if (p.stage === "page") status.textContent = t("scanning", { page: p.page });
      else { saved = p.page; status.textContent = t("scannedPage", { page: p.page }); }
      status.dataset.saved = String(saved);
    });
    try {
      const r = await invoke("scan", {
        request: { device: $("scan-device").value, source: $("scan-source").value, dpi: Number($("scan-dpi").value), mode: $("scan-mode").value },
        progress,
      });
      applySources(r.sources);
      status.textContent = [t("scanDone", { n: r.pages }), r.stopped].filter(Boolean).join(" ");
      status.dataset.pages = String(r.pages);
    } catch (e) {
      status.textContent = errorText(e);
    } finally {
      $("btn-scan-go").disabled = false;
      $("btn-scan-cancel").disabled = true;
    }
  });
  $("btn-scan-cancel").addEventListener("click", () => invoke("cancel_scan"));
  $("btn-build-cancel").addEventListener("click", () => {
    $("btn-build-cancel").disabled = true;
    announce(t("cancelling"));
    invoke("cancel_flow");
  });
}
