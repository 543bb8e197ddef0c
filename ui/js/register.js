// Sổ đăng ký: newest entries first, search, signed checkpoints, audit, audit bundle export.

import { invoke, errorText } from "./api.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (cls) td.className = cls;
  return td;
}

export async function refreshRegister() {
  try {
    const page = await invoke("register_page", { query: $("g-search").value, limit: 200 });
    $("g-path").textContent = page.path;
    $("g-total").textContent = t("entries", { n: page.total });
    const rows = page.rows.map((r) => {
      const tr = document.createElement("tr");
      tr.append(cell(String(r.seq)), cell(r.time), cell(t(`kind_${r.kind}`)), cell([r.code, r.copy_number, r.title].filter(Boolean).join(" · ")), cell(r.sha256.slice(0, 16) + "…", "hash"));
      tr.lastChild.title = r.sha256;
      return tr;
    });
    if (!rows.length) {
      const tr = document.createElement("tr");
      const td = cell(t("noEntries"));
      td.colSpan = 5;
      tr.append(td);
      rows.push(tr);
    }
    $("g-rows").replaceChildren(...rows);
    $("g-checkpoints").replaceChildren(...page.checkpoints.map((c) => Object.assign(document.createElement("li"), { textContent: t("checkpoint", { size: c.size, time: c.time }) })));
  } catch (e) {
    $("g-audit").textContent = errorText(e);
  }
}

export function initRegister() {
  let timer = null;
  $("g-search").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refreshRegister, 200); });
  $("btn-audit").addEventListener("click", async () => {
    const out = $("g-audit");
    out.textContent = t("auditing");
    try {
      const a = await invoke("register_audit");
      out.dataset.clean = String(a.clean);
      out.textContent = a.clean
        ? t("auditClean", { n: a.entries, c: a.checkpoints })
        : t("auditBad", { seq: a.first_bad_seq ?? "?", n: a.report.findings.length });
    } catch (e) { out.textContent = errorText(e); }
  });
  $("btn-export").addEventListener("click", async () => {
    const out = $("g-audit");
    try {
      const dir = await invoke("register_export");
      if (dir) out.textContent = t("exported", { dir });
    } catch (e) { out.textContent = errorText(e); }
  });
  document.addEventListener("hoso:screen", (ev) => { if (ev.detail === "register") refreshRegister(); });
  document.addEventListener("hoso:lang", refreshRegister);
}
