// Tra cứu: one card in plain words for a file (chosen, dropped on the kiosk, or just signed) or
// a QR payload; green / amber / red; the full technical report one click away.

import { invoke, listen, errorText } from "./api.js";
import { t, currentLang, vnDate, personName } from "./i18n.js";

const $ = (id) => document.getElementById(id);
let last = null; // the last card, redrawn when the language changes
let lastDoc = null; // the document behind the last file card (for the report button)

function line(label, value) {
  const p = document.createElement("p");
  const b = document.createElement("strong");
  b.textContent = `${label}: `;
  p.append(b, value);
  return p;
}

const isKiosk = () => document.body.classList.contains("kiosk");

/** The register's line: the officer sees the entry; a citizen, in plain words, only whether and
 * when the office recorded the document (no entry numbers, no station names). */
function registerLines(card, kiosk) {
  const r = card.register;
  if (kiosk) {
    if (!r) return card.reason === "other_register" || card.reason === "no_match" ? [] : [line(t("vRegister"), t("kNotRegistered"))];
    const out = [line(t("vRegister"), r.proof_verified ? t("kRegistered", { date: vnDate(r.time, { time: false }) }) : t("kRegisteredBad"))];
    if (r.code) out.push(line(t("kCode"), r.code));
    if (r.copy_number) out.push(line(t("kCopyNo"), r.copy_number));
    if (r.title) out.push(line(t("vTitle"), r.title));
    return out;
  }
  if (!r) return card.reason === "other_register" || card.reason === "no_match" ? [] : [line(t("vRegister"), t("vNotRegistered"))];
  const what = [t("registerSeq", { seq: r.seq }), vnDate(r.time), r.station, r.code, r.copy_number].filter(Boolean).join(" · ");
  const out = [line(t("vRegister"), `${what}${r.proof_verified ? ` (${t("vProofOk")})` : ` (${t("vProofBad")})`}`)];
  if (r.title) out.push(line(t("vTitle"), r.title));
  return out;
}

function drawCard(card) {
  last = card;
  const kiosk = isKiosk();
  const box = $("verify-card");
  box.className = `card ${card.color}`;
  box.dataset.color = card.color;
  box.dataset.reason = card.reason;
  const h = document.createElement("h3");
  h.className = "verdict";
  const plain = `k_${card.reason}`;
  h.textContent = kiosk && t(plain) !== plain ? t(plain) : t(`v_${card.reason}`);
  const parts = [h];
  if (card.file) parts.push(line(t("vFile"), card.file));
  for (const s of card.signers) {
    parts.push(line(t("vSigner"), s.who ? personName(s.who) : t("vUnknown")));
    const when = s.timestamp ? `${vnDate(s.timestamp)} (${t("vTimestamped")})` : (s.claimed_time ? vnDate(s.claimed_time) : t("vUnknown"));
    parts.push(line(t("vWhen"), when));
  }
  if (card.signers.length) {
    const changed = card.signers.some((s) => s.changed_after);
    const whole = card.signers[card.signers.length - 1].covers_whole_file;
    const said = changed ? t("vChangedYes")
      : card.reason === "visual_change" ? t("vChangedVisual")
      : (whole ? t("vChangedNo") : t("vChangedAllowed"));
    parts.push(line(t("vChanged"), said));
  }
  parts.push(...registerLines(card, kiosk));
  if (card.demo_trusted) {
    const w = document.createElement("p");
    w.className = "warn banner";
    w.textContent = t(kiosk ? "kDemo" : "vDemo");
    parts.push(w);
  }
  if (card.file && lastDoc && !kiosk) parts.push(saveReportButton(lastDoc));
  box.replaceChildren(...parts);
  const details = $("verify-details");
  details.hidden = !card.report || kiosk;
  $("verify-report").textContent = card.report && !kiosk ? JSON.stringify(card.report, null, 2) : "";
  // The kiosk keeps the focus in the QR field (a reader's next scan goes there); the card is
  // announced through its live region.
  if (kiosk) $("v-qr").focus();
  else box.focus();
}

/** "Lưu biên bản kiểm tra (PDF)": the report a clerk files, in the page's language. */
function saveReportButton(doc) {
  const b = document.createElement("button");
  b.type = "button";
  b.id = "btn-save-report";
  b.textContent = t("vSaveReport");
  const note = document.createElement("span");
  note.className = "note";
  b.addEventListener("click", async () => {
    try {
      const path = await invoke("save_verify_report", { id: doc.id, lang: currentLang() });
      if (path) note.textContent = ` ${t("vReportSaved", { path })}`;
    } catch (e) { note.textContent = ` ${errorText(e)}`; }
  });
  const p = document.createElement("p");
  p.append(b, note);
  return p;
}

function drawError(e) {
  last = null;
  const box = $("verify-card");
  box.className = "card red";
  box.dataset.color = "error";
  const p = document.createElement("p");
  p.setAttribute("role", "alert");
  p.textContent = errorText(e);
  box.replaceChildren(p);
  $("verify-details").hidden = true;
}

function drawBusy() {
  const box = $("verify-card");
  box.className = "card neutral";
  box.dataset.color = "busy";
  const p = document.createElement("p");
  p.textContent = t("vChecking");
  box.replaceChildren(p);
}

/** Checks a document the app holds and shows its card. */
export async function verifyDocument(doc) {
  lastDoc = doc;
  drawBusy();
  try { drawCard(await invoke("verify_document", { id: doc.id })); } catch (e) { drawError(e); }
}

export function initVerify(info, showScreen) {
  // A QR reader types a payload and Enter, and may type the next one before the first answer
  // comes: every lookup gets a number, answers are drawn in that order (a late answer never
  // replaces a newer one), and the field is emptied and keeps the focus, so the next scan is
  // neither appended to the last one nor typed into the card.
  let started = 0;
  let drawn = 0;
  $("qr-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const field = $("v-qr");
    const payload = field.value.trim();
    field.value = "";
    field.focus();
    if (!payload) return;
    const mine = ++started;
    drawBusy();
    let draw;
    try {
      lastDoc = null;
      const card = await invoke("lookup_qr", { payload });
      draw = () => drawCard(card);
    } catch (e) {
      draw = () => drawError(e);
    }
    if (mine < drawn) return;
    drawn = mine;
    draw();
    const box = $("verify-card");
    box.dataset.lookup = String(mine);
    field.focus();
  });
  const pick = $("btn-verify-pick");
  if (pick) {
    pick.addEventListener("click", async () => {
      try {
        const doc = await invoke("pick_pdf_to_verify");
        if (doc) await verifyDocument(doc);
      } catch (e) { drawError(e); }
    });
  }
  document.addEventListener("hoso:verify", (ev) => { showScreen("verify"); verifyDocument(ev.detail); });
  if (info.mode === "kiosk") {
    listen("verify-document", (doc) => { showScreen("verify"); verifyDocument(doc); });
  }
  document.addEventListener("hoso:lang", () => { if (last) drawCard(last); });
}

/** Back to an empty card (kiosk reset). */
export function clearVerify() {
  last = null;
  const box = $("verify-card");
  box.className = "card neutral";
  delete box.dataset.color;
  const p = document.createElement("p");
  p.textContent = t("vEmpty");
  box.replaceChildren(p);
  $("verify-details").hidden = true;
  $("v-qr").value = "";
}
