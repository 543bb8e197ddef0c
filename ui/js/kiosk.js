// Kiosk: a start screen and the verify screen, large type, back to the start screen after
// `idle_seconds` without input. No settings, no import, no file dialogs: those screens are
// removed from the page and their commands are not granted to the kiosk window
// (src-tauri/capabilities/kiosk.json).

import { clearVerify } from "./verify.js";

export function initKiosk(info, showScreen) {
  const idleMs = info.idle_seconds * 1000;
  let timer = null;
  const toStart = () => {
    // The next citizen sees nothing of the previous one's document.
    clearVerify();
    showScreen("kiosk-start");
    document.getElementById("btn-kiosk-start").focus();
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(toStart, idleMs);
  };
  const field = document.getElementById("v-qr");
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
