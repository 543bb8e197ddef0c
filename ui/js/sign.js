// Ký số: the PDFs to sign (built here or chosen), unlock the key once with its PIN and see the
// certificate, sign them all with progress per file, failures listed, each result one click
// from the verify screen.

import { invoke, channel, errorText } from "./api.js";
import { oneLanguage } from "./words.js";
import { t, vnDate, dnPart } from "./i18n.js";
import { normalisePath, openButtons } from "./paths.js";
import { initPlace, placement } from "./place.js";

const $ = (id) => document.getElementById(id);
const queue = new Map(); // id → document
let unlocked = false;
// After signing, the queue holds the signed files (so "Tạo bản sao y" follows in one click);
// the next file handed to the screen starts a new queue.
let queueIsSigned = false;
const KEY_IDLE_MS = 5 * 60 * 1000; // the shell forgets an unused key after the same time
let idleTimer = null;
let placeChanged = () => {};

function showLocked(message) {
  clearTimeout(idleTimer);
  unlocked = false;
  $("cert-info").hidden = true;
  $("lock-status").textContent = message || "";
  drawQueue();
  refreshToken();
}

async function lockKey(message) {
  try { await invoke("lock_key"); } catch { /* the key is forgotten by the shell anyway */ }
  showLocked(message);
}

/** Starts the 5 minutes again on every action in the window while a key is open. */
function armIdleLock() {
  clearTimeout(idleTimer);
  if (unlocked) idleTimer = setTimeout(() => lockKey(t("keyIdleLocked")), KEY_IDLE_MS);
}

function li(text, extra) {
  const el = document.createElement("li");
  el.textContent = text;
  if (extra) el.append(" ", extra);
  return el;
}

function drawQueue() {
  const ul = $("sign-list");
  ul.replaceChildren(...[...queue.values()].map((d) => {
    const rm = document.createElement("button");
    rm.type = "button";
    rm.className = "small";
    rm.textContent = t("remove");
    rm.setAttribute("aria-label", t("removeLabel", { name: d.name }));
    rm.addEventListener("click", () => { queue.delete(d.id); drawQueue(); });
    rm.classList.add("btn-remove");
    return li(d.name, rm);
  }));
  $("sign-empty").hidden = queue.size > 0;
  placeChanged();
  $("btn-sign-go").disabled = !(unlocked && queue.size > 0);
  $("btn-copy-go").disabled = !(unlocked && queue.size > 0);
}

/** Shows the number the next copy will get (asking consumes nothing). */
async function refreshCopyNumber() {
  try {
    $("s-copy-no").textContent = await invoke("next_copy_number", { form: $("s-copy-form").value });
  } catch (e) { $("s-copy-no").textContent = errorText(e); }
}

// The PDF/A check the flow ran on the file it wrote (a missing field shows nothing).
function pdfaNote(p) {
  if (!p || typeof p.line !== "string") return "";
  const el = document.createElement("p");
  el.className = p.conforming ? "hint pdfa-ok" : "warn pdfa-fail";
  el.textContent = `PDF/A: ${oneLanguage(p.line)}`;
  return el;
}

async function copyAll() {
  const ids = [...queue.keys()];
  const status = $("copy-status");
  const errBox = $("copy-error");
  errBox.hidden = true;
  $("btn-copy-go").disabled = true;
  const progress = channel((p) => {
    status.textContent = t(p.ok ? "copiedOne" : "failedOne", { done: p.done, total: p.total, name: p.name });
  });
  try {
    const choices = {
      form: $("s-copy-form").value,
      qr: $("s-copy-qr").checked,
      from_paper: $("s-copy-paper").checked,
      pages: $("s-copy-form").value === "trich_sao" ? $("s-copy-pages").value : null,
    };
    const r = await invoke("make_copies", { ids, choices, progress });
    $("copy-list").replaceChildren(...r.made.map((m) => {
      const el = document.createElement("li");
      el.className = "copy-made";
      const name = document.createElement("strong");
      name.textContent = m.document.name;
      const num = document.createElement("span");
      num.className = "copy-number";
      num.textContent = ` ${t("copyNumber", { n: m.outcome.copy_number })} · ${m.outcome.signing_time}`;
      const check = document.createElement("button");
      check.type = "button";
      check.className = "btn-check";
      check.textContent = t("checkIt");
      check.setAttribute("aria-label", t("checkItLabel", { name: m.document.name }));
      check.addEventListener("click", () => document.dispatchEvent(new CustomEvent("hoso:verify", { detail: m.document })));
      el.append(name, num, " ", check, openButtons(m.document), pdfaNote(m.outcome && m.outcome.pdfa));
      return el;
    }), ...r.failed.map((f) => {
      // A Decree 30 refusal is worded with the app's own controls; anything else as the flow said it.
      const key = `refusal_${f.refusal}`;
      const why = f.refusal && t(key) !== key ? t(key) : oneLanguage(f.message);
      const el = li(`${f.name}: ${why}`);
      el.className = "copy-refused";
      el.setAttribute("role", "alert");
      return el;
    }));
    status.textContent = t("copySummary", { ok: r.made.length, failed: r.failed.length });
    // What was copied leaves the list; what was refused stays, so the officer can change the
    // form (or declare the paper original) and try again.
    const copied = new Set(r.made.map((m) => m.outcome.original));
    for (const [id, d] of queue) if (copied.has(d.path)) queue.delete(id);
    queueIsSigned = false;
  } catch (e) {
    errBox.textContent = errorText(e);
    errBox.hidden = false;
  } finally {
    drawQueue();
    refreshCopyNumber();
  }
}

/** Puts documents in the signing queue (from the digitize result or the dialog). */
export function queueForSigning(docs) {
  if (queueIsSigned) queue.clear();
  queueIsSigned = false;
  for (const d of docs) queue.set(d.id, d);
  drawQueue();
}

let settings = null;

async function refreshKeyFile() {
  settings = await invoke("get_settings");
  $("s-cert").value = settings.use_token ? "token" : "p12";
  const file = normalisePath(settings.use_token ? settings.pkcs11 : settings.p12);
  const name = file.split(/[\\/]/).pop();
  $("sign-keyfile").title = file;
  $("sign-keyfile").textContent = settings.use_token
    ? `${name || t("noModule")}${settings.token_label ? ` (${settings.token_label})` : ""}`
    : (name || t("noKeyFile"));
  refreshToken();
}

/** The token's PIN tries and certificates, before the PIN is typed (nothing while a key is open:
 * the shell does not load the module twice). */
async function refreshToken() {
  const box = $("token-box");
  if (!settings?.use_token || unlocked) { box.hidden = true; return; }
  let st = null;
  try { st = await invoke("token_status"); } catch { st = null; }
  if (!st) { box.hidden = true; return; }
  const tries = $("token-tries");
  tries.textContent = `${t(`tries_${st.pin_tries}`, { label: st.label })}${st.pin_pad ? ` ${t("triesPad")}` : ""}`;
  tries.className = st.pin_tries === "ok" ? "hint" : "warn banner";
  tries.dataset.tries = st.pin_tries;
  $("token-certs").replaceChildren(...st.certificates.map((c) => Object.assign(document.createElement("li"), {
    textContent: t("tokenCert", {
      name: [dnPart(c.subject, "CN"), dnPart(c.subject, "O")].filter(Boolean).join(", ") || c.subject,
      issuer: dnPart(c.issuer, "CN") || dnPart(c.issuer, "O") || c.issuer,
      from: vnDate(c.not_before, { time: false }),
      to: vnDate(c.not_after, { time: false }),
    }),
  })));
  box.hidden = false;
}

async function chooseSource() {
  unlocked = false;
  $("cert-info").hidden = true;
  try {
    await invoke("set_key_source", { useToken: $("s-cert").value === "token", tokenLabel: settings?.token_label || "" });
  } catch (e) { $("unlock-error").textContent = errorText(e); $("unlock-error").hidden = false; }
  await refreshKeyFile();
  drawQueue();
}

async function unlock(ev) {
  ev.preventDefault();
  const err = $("unlock-error");
  err.hidden = true;
  try {
    const c = await invoke("unlock_key", { pin: $("s-pin").value });
    $("s-pin").value = "";
    $("pin-ime").hidden = true;
    // Names as people read them: the owner's and issuer's common names and organisations,
    // validity as dd/mm/yyyy — never a raw X.500 string or an ISO time.
    $("c-subject").textContent = dnPart(c.subject, "CN") || c.subject;
    $("c-org").textContent = [dnPart(c.subject, "OU"), dnPart(c.subject, "O")].filter(Boolean).join(", ") || "—";
    const issuerCn = dnPart(c.issuer, "CN");
    const issuerO = dnPart(c.issuer, "O");
    $("c-issuer").textContent = [issuerCn, issuerO && issuerO !== issuerCn ? issuerO : ""].filter(Boolean).join(", ") || c.issuer;
    $("c-validity").textContent = `${vnDate(c.not_before, { time: false })} – ${vnDate(c.not_after, { time: false })}${c.valid_now ? "" : " " + t("certNotValidNow")}`;
    $("lock-status").textContent = "";
    $("c-fingerprint").textContent = c.fingerprint;
    $("c-demo").hidden = !c.demo;
    $("cert-info").hidden = false;
    unlocked = true;
    $("token-box").hidden = true;
    armIdleLock();
  } catch (e) {
    unlocked = false;
    $("cert-info").hidden = true;
    err.textContent = errorText(e);
    err.hidden = false;
  }
  drawQueue();
}

async function signAll() {
  const ids = [...queue.keys()];
  const bar = $("sign-progress");
  const status = $("sign-status");
  const errBox = $("sign-error");
  errBox.hidden = true;
  $("btn-sign-go").disabled = true;
  bar.max = ids.length;
  bar.value = 0;
  bar.hidden = false;
  let events = 0;
  const progress = channel((p) => {
    events += 1;
    bar.value = p.done;
    bar.dataset.events = String(events);
    status.textContent = t(p.ok ? "signedOne" : "failedOne", { done: p.done, total: p.total, name: p.name });
  });
  try {
    const cancel = $("btn-sign-cancel");
    cancel.hidden = false;
    cancel.disabled = false;
    const level = $("s-level").value || null;
    const r = await invoke("sign_documents", { ids, visible: $("s-visible").value, level, ...placement(), progress });
    showResults(r);
    if (r.not_started) status.textContent = t("notStarted", { n: r.not_started });
    queue.clear();
    for (const s of r.signed) queue.set(s.document.id, s.document);
    queueIsSigned = r.signed.length > 0;
  } catch (e) {
    errBox.textContent = errorText(e);
    errBox.hidden = false;
  } finally {
    bar.hidden = true;
    $("btn-sign-cancel").hidden = true;
    drawQueue();
  }
}

function showResults(r) {
  $("signed-list").replaceChildren(...r.signed.map((s) => {
    const el = document.createElement("li");
    el.className = "signed";
    const name = document.createElement("strong");
    name.textContent = s.document.name;
    const meta = document.createElement("p");
    meta.className = "hint";
    meta.textContent = `${s.level} · ${t("registerSeq", { seq: s.seq })} · SHA-256 ${s.sha256}`;
    const qr = document.createElement("code");
    qr.className = "qr-payload";
    qr.textContent = s.qr;
    const check = document.createElement("button");
    check.type = "button";
    check.className = "btn-check";
    check.textContent = t("checkIt");
    check.setAttribute("aria-label", t("checkItLabel", { name: s.document.name }));
    check.addEventListener("click", () => document.dispatchEvent(new CustomEvent("hoso:verify", { detail: s.document })));
    el.append(name, meta, qr, " ", check, openButtons(s.document), pdfaNote(s.pdfa));
    if (s.revocation_warning) {
      const warn = document.createElement("p");
      warn.className = "warn banner";
      warn.setAttribute("role", "alert");
      warn.textContent = oneLanguage(s.revocation_warning);
      el.append(warn);
    }
    return el;
  }));
  $("sign-failures").replaceChildren(...r.failed.map((f) => li(`${f.name}: ${oneLanguage(f.message)}`)));
  $("sign-failures-box").hidden = !r.failed.length;
  $("sign-status").textContent = t("signSummary", { ok: r.signed.length, failed: r.failed.length });
  const box = $("sign-results");
  box.hidden = false;
  box.focus();
}

/** The PIN field knows Vietnamese keyboards: an input method (Unikey, EVKey, ibus-unikey)
 * composes "aa" into "â" inside the PIN, so a composition event, or typed text that is not
 * what the keys were (a letter outside ASCII), shows the warning before the attempt. */
function watchPinIme() {
  const pin = $("s-pin");
  const warn = $("pin-ime");
  const show = () => { warn.hidden = false; };
  for (const ev of ["compositionstart", "compositionupdate", "compositionend"]) pin.addEventListener(ev, show);
  pin.addEventListener("input", (e) => {
    // eslint-disable-next-line no-control-regex
    if (e.isComposing || /[^\x20-\x7e]/.test(pin.value)) show();
    else if (!pin.value) warn.hidden = true;
  });
}

export async function initSign() {
  watchPinIme();
  placeChanged = initPlace(() => queue.values().next().value || null, () => $("s-visible").value);
  $("s-visible").addEventListener("change", () => placeChanged());
  $("btn-sign-pick").addEventListener("click", async () => {
    try { queueForSigning(await invoke("pick_pdfs")); } catch (e) { $("sign-error").textContent = errorText(e); $("sign-error").hidden = false; }
  });
  $("unlock-form").addEventListener("submit", unlock);
  $("btn-lock").addEventListener("click", () => lockKey(t("keyLocked")));
  for (const ev of ["pointerdown", "keydown", "wheel"]) {
    document.addEventListener(ev, () => { if (unlocked) armIdleLock(); }, { capture: true, passive: true });
  }
  $("s-cert").addEventListener("change", chooseSource);
  $("btn-copy-go").addEventListener("click", copyAll);
  $("s-copy-form").addEventListener("change", () => {
    $("copy-pages-field").hidden = $("s-copy-form").value !== "trich_sao";
    refreshCopyNumber();
  });
  document.addEventListener("hoso:screen", (ev) => { if (ev.detail === "sign") refreshCopyNumber(); });
  document.addEventListener("hoso:settings", refreshCopyNumber);
  $("btn-sign-go").addEventListener("click", signAll);
  $("btn-sign-cancel").addEventListener("click", () => { $("btn-sign-cancel").disabled = true; invoke("cancel_flow"); });
  document.addEventListener("hoso:settings", refreshKeyFile);
  document.addEventListener("hoso:lang", () => { drawQueue(); refreshKeyFile(); });
  await refreshKeyFile();
  drawQueue();
}
