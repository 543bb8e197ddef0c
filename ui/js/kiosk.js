// Kiosk: a start screen and the verify screen, large type, back to the start screen after
// `idle_seconds` without input. No settings, no import, no file dialogs: those screens are
// removed from the page and their commands are not granted to the kiosk window
// (src-tauri/capabilities/kiosk.json).

import { invoke, errorText } from "./api.js";
import { t } from "./i18n.js";
import { clearVerify, verifyDocument } from "./verify.js";

/** "Chọn tệp từ USB": lists the PDFs on the removable drives as large buttons; the one touched
 * is checked. Only files of the listing can be opened (the shell keeps it; the page sends a
 * number, never a path). */
function initUsb(field) {
  const button = document.getElementById("btn-usb");
  const status = document.getElementById("usb-status");
  const list = document.getElementById("usb-list");
  if (!button) return () => {};
  const clear = () => { list.replaceChildren(); list.hidden = true; status.textContent = ""; };
  button.addEventListener("click", async () => {
    clear();
    status.textContent = t("usbLooking");
    let files;
    try { files = await invoke("usb_documents"); } catch (e) { status.textContent = errorText(e); return; }
    if (!files) { status.textContent = t("usbNone"); return; }
    if (!files.length) { status.textContent = t("usbEmpty"); return; }
    status.textContent = t("usbFound", { n: files.length });
    list.replaceChildren(...files.map((f) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "big usb-file";
      b.dataset.index = String(f.index);
      b.textContent = f.name;
      if (f.folder) b.title = f.folder;
      b.addEventListener("click", async () => {
        clear();
        try { await verifyDocument(await invoke("open_usb_document", { index: f.index })); } catch (e) { status.textContent = errorText(e); }
        field.focus();
      });
      li.append(b);
      return li;
    }));
    list.hidden = false;
    list.querySelector("button")?.focus();
  });
  return clear;
}

export function initKiosk(info, showScreen) {
  const idleMs = info.idle_seconds * 1000;
  let timer = null;
  const field = document.getElementById("v-qr");
  const clearUsb = initUsb(field);
  const toStart = () => {
    // The next citizen sees nothing of the previous one's document.
    clearVerify();
    clearUsb();
    showScreen("kiosk-start");
    document.getElementById("btn-kiosk-start").focus();
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(toStart, idleMs);
  };
  const begin = () => {
    // The QR field takes the keys: a USB QR reader types the payload and Enter as a keyboard does.
    showScreen("verify", { focus: false });
    field.focus();
    arm();
  };
  document.getElementById("btn-kiosk-start").addEventListener("click", begin);
  for (const ev of ["pointerdown", "wheel", "touchstart", "input"]) {
    document.addEventListener(ev, () => {
      if (document.body.dataset.screen !== "kiosk-start") arm();
    }, { capture: true, passive: true });
  }
  // Keys typed where the QR field is not focused (the start screen, or after a tap on the card)
  // go into the QR field, so the first characters of a reader's scan are never lost.
  document.addEventListener("keydown", (e) => {
    const screen = document.body.dataset.screen;
    if (screen !== "kiosk-start" && screen !== "verify") return;
    if (screen === "verify") arm();
    const typed = e.key.length === 1 && e.key !== " " && !e.ctrlKey && !e.altKey && !e.metaKey;
    if (screen === "kiosk-start") {
      // Enter and Space press the focused start button; any other key starts too.
      if (e.key === "Enter" || e.key === " ") return;
      begin();
    } else if (document.activeElement === field || !(typed || e.key === "Enter")) {
      return;
    } else if (e.key === "Enter") {
      if (field.value.trim()) {
        e.preventDefault();
        field.form.requestSubmit();
      }
      return;
    }
    if (typed) {
      e.preventDefault();
      field.focus();
      field.setRangeText(e.key, field.selectionStart, field.selectionEnd, "end");
    }
  }, { capture: true });
  // A dropped file reaches the app through the window (see verify.js), never the web view.
  for (const ev of ["dragover", "drop"]) document.addEventListener(ev, (e) => e.preventDefault());
  document.addEventListener("contextmenu", (e) => e.preventDefault());
  toStart();
}
