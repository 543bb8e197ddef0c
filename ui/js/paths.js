import { invoke, errorText } from "./api.js";
import { t } from "./i18n.js";

// Paths as people read them (issue 21 point 6): the file name, the folder on hover, never
// `src-tauri/../certs/…`. The full, normalised path stays in `data-path` for copying.

/** `a/b/../c/./d` → `a/c/d` (either separator; a Windows drive or a leading `/` kept). */
export function normalisePath(p) {
  const s = String(p || "");
  const sep = s.includes("\\") && !s.includes("/") ? "\\" : "/";
  const abs = s.startsWith("/") || s.startsWith("\\");
  const out = [];
  for (const part of s.split(/[\\/]+/)) {
    if (!part || part === ".") continue;
    if (part === ".." && out.length && out[out.length - 1] !== "..") out.pop();
    else out.push(part);
  }
  return (abs ? sep : "") + out.join(sep);
}

/** Shows `path` in `el` as its file name with the folder as a tooltip; `fallback` when empty. */
export function showPath(el, path, fallback = "") {
  if (!path) {
    el.textContent = fallback;
    el.removeAttribute("title");
    delete el.dataset.path;
    return;
  }
  const full = normalisePath(path);
  const cut = Math.max(full.lastIndexOf("/"), full.lastIndexOf("\\"));
  el.textContent = cut >= 0 ? full.slice(cut + 1) : full;
  el.title = cut > 0 ? full.slice(0, cut) : full;
  el.dataset.path = full;
}

/** "Mở tệp" and "Mở thư mục" for a document the app holds (the shell opens it by id). */
export function openButtons(doc) {
  const span = document.createElement("span");
  span.className = "open-buttons";
  const note = document.createElement("span");
  note.className = "note";
  for (const [key, folder, cls] of [["openFile", false, "btn-open-file"], ["openFolder", true, "btn-open-folder"]]) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `small ${cls}`;
    b.textContent = t(key);
    b.setAttribute("aria-label", `${t(key)}: ${doc.name}`);
    b.addEventListener("click", async () => {
      note.textContent = "";
      try { await invoke("open_document", { id: doc.id, folder }); } catch (e) { note.textContent = ` ${errorText(e)}`; }
    });
    span.append(" ", b);
  }
  // "Lưu bản sao…": a copy where the officer chooses (a USB stick, a shared folder).
  const save = document.createElement("button");
  save.type = "button";
  save.className = "small btn-save-as";
  save.textContent = t("saveAs");
  save.setAttribute("aria-label", `${t("saveAs")}: ${doc.name}`);
  save.addEventListener("click", async () => {
    note.textContent = "";
    try {
      const saved = await invoke("save_document_as", { id: doc.id });
      if (saved) note.textContent = ` ${t("savedTo", { path: saved })}`;
    } catch (e) { note.textContent = ` ${errorText(e)}`; }
  });
  span.append(" ", save, note);
  return span;
}
