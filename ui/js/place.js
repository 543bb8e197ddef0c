// Ký số: place the visible signature by dragging a box on the page preview (issue 21 point 3).
// The page is drawn by the shell (hayro, in Rust); the box starts where the automatic placement
// (the signer block found on the page) puts it; its centre in mm from the page's top left is
// what `sign_documents` takes as `at` — the unit of `hoso sign --at`.

import { invoke, errorText } from "./api.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
let state = null; // { id, visible, box, at: [x_mm, y_mm] | null }
let url = null;

/** `{ at, page }` for `sign_documents`: nulls when the officer did not move the box. */
export function placement() {
  return state && state.at ? { at: state.at, page: state.box.page_index } : { at: null, page: null };
}

const round1 = (v) => Math.round(v * 10) / 10;

function draw() {
  const sig = $("place-sig");
  const b = state.box;
  const [cx, cy] = state.at || [b.x_mm + b.width_mm / 2, b.y_mm + b.height_mm / 2];
  sig.style.left = `${((cx - b.width_mm / 2) / b.page_width_mm) * 100}%`;
  sig.style.top = `${((cy - b.height_mm / 2) / b.page_height_mm) * 100}%`;
  sig.style.width = `${(b.width_mm / b.page_width_mm) * 100}%`;
  sig.style.height = `${(b.height_mm / b.page_height_mm) * 100}%`;
  sig.dataset.page = String(b.page_index);
  sig.dataset.pageWidth = String(b.page_width_mm);
  sig.dataset.pageHeight = String(b.page_height_mm);
  sig.dataset.x = String(round1(cx));
  sig.dataset.y = String(round1(cy));
  sig.setAttribute("aria-valuetext", t("placeAt", { page: b.page_index + 1, x: round1(cx), y: round1(cy) }));
  $("place-pos").textContent = state.at
    ? t("placeAt", { page: b.page_index + 1, x: round1(cx), y: round1(cy) })
    : (b.placed_from_text ? t("placeAuto") : t("placeAutoDefault"));
  $("btn-place-reset").hidden = !state.at;
}

/** Moves the box's centre to (x, y) mm, kept wholly on the page. */
function moveTo(x, y) {
  const b = state.box;
  const hw = b.width_mm / 2;
  const hh = b.height_mm / 2;
  state.at = [
    round1(Math.min(Math.max(x, hw), b.page_width_mm - hw)),
    round1(Math.min(Math.max(y, hh), b.page_height_mm - hh)),
  ];
  draw();
}

function hide() {
  state = null;
  $("place-page").hidden = true;
  $("btn-place").setAttribute("aria-expanded", "false");
  $("btn-place-reset").hidden = true;
  $("place-pos").textContent = "";
  if (url) URL.revokeObjectURL(url);
  url = null;
}

async function open(doc, visible) {
  const pos = $("place-pos");
  try {
    const box = await invoke("signature_box", { id: doc.id, visible });
    if (!box) return;
    const bytes = await invoke("page_preview", { id: doc.id, page: box.page_index });
    if (url) URL.revokeObjectURL(url);
    url = URL.createObjectURL(new Blob([bytes], { type: "image/png" }));
    const img = $("place-img");
    img.alt = doc.name;
    await new Promise((ok) => { img.onload = ok; img.onerror = ok; img.src = url; });
    state = { id: doc.id, visible, box, at: null };
    $("place-page").hidden = false;
    $("btn-place").setAttribute("aria-expanded", "true");
    draw();
  } catch (e) {
    pos.textContent = errorText(e);
  }
}

function wireDrag() {
  const sig = $("place-sig");
  const img = $("place-img");
  let grab = null;
  sig.addEventListener("pointerdown", (e) => {
    if (!state) return;
    e.preventDefault();
    try { sig.setPointerCapture(e.pointerId); } catch { /* a synthetic pointer: moves arrive here anyway */ }
    const [cx, cy] = state.at || [state.box.x_mm + state.box.width_mm / 2, state.box.y_mm + state.box.height_mm / 2];
    grab = { x: e.clientX, y: e.clientY, cx, cy, mmPerPx: state.box.page_width_mm / img.clientWidth };
  });
  sig.addEventListener("pointermove", (e) => {
    if (!grab || !state) return;
    moveTo(grab.cx + (e.clientX - grab.x) * grab.mmPerPx, grab.cy + (e.clientY - grab.y) * grab.mmPerPx);
  });
  const drop = () => { grab = null; };
  sig.addEventListener("pointerup", drop);
  sig.addEventListener("pointercancel", drop);
  sig.addEventListener("keydown", (e) => {
    if (!state) return;
    const step = e.shiftKey ? 10 : 1;
    const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
    if (!d) return;
    e.preventDefault();
    const [cx, cy] = state.at || [state.box.x_mm + state.box.width_mm / 2, state.box.y_mm + state.box.height_mm / 2];
    moveTo(cx + d[0], cy + d[1]);
  });
}

/** `firstDoc()`: the first PDF in the signing list; `visible()`: the chosen appearance. Call
 * `placeChanged()` (returned) when either changes: the placement starts again. */
export function initPlace(firstDoc, visible) {
  wireDrag();
  const refresh = () => {
    const doc = firstDoc();
    const v = visible();
    $("place-box").hidden = !doc || v === "none";
    if (state && (!doc || doc.id !== state.id || v !== state.visible)) hide();
  };
  $("btn-place").addEventListener("click", () => {
    const doc = firstDoc();
    if (!doc) return;
    if (state) { hide(); return; }
    open(doc, visible());
  });
  $("btn-place-reset").addEventListener("click", () => { if (state) { state.at = null; draw(); } });
  document.addEventListener("hoso:lang", () => { if (state) draw(); });
  return refresh;
}
