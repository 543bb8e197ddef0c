// Ký số: the PDFs to sign (built here or chosen), unlock the key once with its PIN and see the
// certificate, sign them all with progress per file, failures listed, each result one click
// from the verify screen.

import { invoke, channel, errorText } from "./api.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const queue = new Map(); // id → document
let unlocked = false;

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
    return li(d.name, rm);
  }));
  $("sign-empty").hidden = queue.size > 0;
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
  el.textContent = `PDF/A: ${p.line}`;
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
    const r = await invoke("make_copies", { ids, form: $("s-copy-form").value, qr: $("s-copy-qr").checked, progress });
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
      el.append(name, num, " ", check, pdfaNote(m.outcome && m.outcome.pdfa));
      return el;
    }), ...r.failed.map((f) => li(`${f.name}: ${f.message}`)));
    status.textContent = t("copySummary", { ok: r.made.length, failed: r.failed.length });
    queue.clear();
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
  for (const d of docs) queue.set(d.id, d);
  drawQueue();
}

let settings = null;

async function refreshKeyFile() {
  settings = await invoke("get_settings");
  $("s-cert").value = settings.use_token ? "token" : "p12";
  $("sign-keyfile").textContent = settings.use_token
    ? `${settings.pkcs11 || t("noModule")}${settings.token_label ? ` (${settings.token_label})` : ""}`
    : (settings.p12 || t("noKeyFile"));
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
    $("c-subject").textContent = c.subject;
    $("c-issuer").textContent = c.issuer;
    $("c-validity").textContent = `${c.not_before} → ${c.not_after}${c.valid_now ? "" : " " + t("certNotValidNow")}`;
    $("c-fingerprint").textContent = c.fingerprint;
    $("c-demo").hidden = !c.demo;
    $("cert-info").hidden = false;
    unlocked = true;
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
    const r = await invoke("sign_documents", { ids, visible: $("s-visible").value, level, progress });
    showResults(r);
    if (r.not_started) status.textContent = t("notStarted", { n: r.not_started });
    queue.clear();
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
    el.append(name, meta, qr, " ", check, pdfaNote(s.pdfa));
    if (s.revocation_warning) {
      const warn = document.createElement("p");
      warn.className = "warn banner";
      warn.setAttribute("role", "alert");
      warn.textContent = s.revocation_warning;
      el.append(warn);
    }
    return el;
  }));
  $("sign-failures").replaceChildren(...r.failed.map((f) => li(`${f.name}: ${f.message}`)));
  $("sign-failures-box").hidden = !r.failed.length;
  $("sign-status").textContent = t("signSummary", { ok: r.signed.length, failed: r.failed.length });
  const box = $("sign-results");
  box.hidden = false;
  box.focus();
}

export async function initSign() {
  $("btn-sign-pick").addEventListener("click", async () => {
    try { queueForSigning(await invoke("pick_pdfs")); } catch (e) { $("sign-error").textContent = errorText(e); $("sign-error").hidden = false; }
  });
  $("unlock-form").addEventListener("submit", unlock);
  $("s-cert").addEventListener("change", chooseSource);
  $("btn-copy-go").addEventListener("click", copyAll);
  $("s-copy-form").addEventListener("change", refreshCopyNumber);
  document.addEventListener("hoso:screen", (ev) => { if (ev.detail === "sign") refreshCopyNumber(); });
  document.addEventListener("hoso:settings", refreshCopyNumber);
  $("btn-sign-go").addEventListener("click", signAll);
  $("btn-sign-cancel").addEventListener("click", () => { $("btn-sign-cancel").disabled = true; invoke("cancel_flow"); });
  document.addEventListener("hoso:settings", refreshKeyFile);
  document.addEventListener("hoso:lang", () => { drawQueue(); refreshKeyFile(); });
  await refreshKeyFile();
  drawQueue();
}
