// Cài đặt → Sao lưu: the two backup locations (chosen in a folder dialog only), when each was
// last verified, "Sao lưu ngay" with one progress event per location, "Kiểm tra lại".

import { invoke, channel, errorText } from "./api.js";
import { t, vnDate } from "./i18n.js";
import { showPath } from "./paths.js";

const $ = (id) => document.getElementById(id);
const WHICH = ["backupFirst", "backupSecond"];
let current = null;

/** Draws both locations from the settings. */
export function drawBackups(s) {
  current = s;
  const locations = s.backup_locations || [{}, {}];
  for (const slot of [0, 1]) {
    const l = locations[slot] || {};
    showPath($(`set-backup-${slot}`), l.dir, t("backupNone"));
    $(`set-backup-${slot}-verified`).textContent = l.verified
      ? t("backupVerified", { time: vnDate(l.verified), folder: String(l.folder || "").split(/[\\/]/).pop() })
      : t("backupNever");
    const which = t(WHICH[slot]);
    const box = document.querySelector(`.backup-slot[data-slot="${slot}"]`);
    box.querySelector(".btn-pick-backup").setAttribute("aria-label", t("backupPickLabel", { which }));
    const check = box.querySelector(".btn-check-backup");
    check.setAttribute("aria-label", t("backupCheckLabel", { which }));
    check.disabled = !l.dir;
    const clear = box.querySelector(".btn-clear-backup");
    clear.setAttribute("aria-label", t("backupClearLabel", { which }));
    clear.disabled = !l.dir;
  }
  $("btn-backup-now").disabled = !locations.some((l) => l && l.dir);
}

function folderName(p) {
  return String(p || "").split(/[\\/]/).pop();
}

/** One location's outcome as a list item, in the UI's language. */
function outcomeItem(o, okKey) {
  const li = document.createElement("li");
  li.dataset.slot = String(o.slot);
  if (o.error) {
    li.className = "backup-failed error-box";
    li.setAttribute("role", "alert");
    li.textContent = t("backupFailed", { dir: o.dir, error: errorText(o.error) });
    return li;
  }
  const r = o.report;
  li.dataset.folder = r.folder;
  if (r.problems.length === 0) {
    li.className = "backup-ok";
    li.textContent = `✔ ${t(okKey, { folder: r.folder, files: r.files, entries: r.entries })}`;
    return li;
  }
  li.className = "backup-bad error-box";
  li.setAttribute("role", "alert");
  li.textContent = `✘ ${t("backupBad", { folder: folderName(r.folder) })}`;
  const ul = document.createElement("ul");
  for (const p of r.problems) ul.append(Object.assign(document.createElement("li"), { textContent: errorText(p) }));
  li.append(ul);
  return li;
}

async function backupNow() {
  const status = $("backup-status");
  const bar = $("backup-progress");
  const cancel = $("btn-backup-cancel");
  const total = (current?.backup_locations || []).filter((l) => l && l.dir).length;
  $("backup-results").replaceChildren();
  $("btn-backup-now").disabled = true;
  bar.max = Math.max(1, total);
  bar.value = 0;
  bar.hidden = false;
  cancel.hidden = false;
  cancel.disabled = false;
  status.textContent = t("backupRunning", { n: total });
  let events = 0;
  const progress = channel((p) => {
    events += 1;
    bar.value = p.done;
    bar.dataset.events = String(events);
    status.textContent = `${p.ok ? "✔" : "✘"} ${t("backupOne", { done: p.done, total: p.total, name: p.name })}`;
  });
  try {
    const run = await invoke("backup_now_to_all", { progress });
    $("backup-results").replaceChildren(...run.locations.map((o) => outcomeItem(o, "backupOk")));
    const ok = run.locations.filter((o) => o.report && o.report.problems.length === 0).length;
    status.textContent = run.not_started ? t("backupNotStarted", { n: run.not_started }) : t("backupSummary", { ok, total: run.locations.length });
    drawBackups(run.settings);
  } catch (e) {
    status.textContent = errorText(e);
  } finally {
    bar.hidden = true;
    cancel.hidden = true;
    $("btn-backup-now").disabled = !(current?.backup_locations || []).some((l) => l && l.dir);
  }
}

async function checkAgain(slot) {
  const status = $("backup-status");
  status.textContent = t("backupChecking");
  try {
    const o = await invoke("check_backup", { slot });
    $("backup-results").replaceChildren(outcomeItem(o, "backupChecked"));
    status.textContent = "";
    drawBackups(await invoke("get_settings"));
  } catch (e) { status.textContent = errorText(e); }
}

async function changed(promise) {
  const status = $("backup-status");
  try {
    drawBackups(await promise);
    status.textContent = t("saved");
  } catch (e) { status.textContent = errorText(e); }
}

export function initBackup() {
  for (const b of document.querySelectorAll(".btn-pick-backup")) {
    b.addEventListener("click", () => changed(invoke("pick_backup_dir", { slot: Number(b.dataset.slot) })));
  }
  for (const b of document.querySelectorAll(".btn-clear-backup")) {
    b.addEventListener("click", () => changed(invoke("clear_backup_dir", { slot: Number(b.dataset.slot) })));
  }
  for (const b of document.querySelectorAll(".btn-check-backup")) {
    b.addEventListener("click", () => checkAgain(Number(b.dataset.slot)));
  }
  $("btn-backup-now").addEventListener("click", backupNow);
  $("btn-backup-cancel").addEventListener("click", async () => {
    $("btn-backup-cancel").disabled = true;
    $("backup-status").textContent = t("cancelling");
    try { await invoke("cancel_flow"); } catch { /* the run reports what it did */ }
  });
  document.addEventListener("hoso:lang", () => { if (current) drawBackups(current); });
}
