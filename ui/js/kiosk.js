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
  const begin = () => {
    showScreen("verify");
    arm();
  };
  document.getElementById("btn-kiosk-start").addEventListener("click", begin);
  for (const ev of ["pointerdown", "keydown", "wheel", "touchstart", "input"]) {
    document.addEventListener(ev, (e) => {
      if (document.body.dataset.screen === "kiosk-start") {
        if (ev === "keydown" && e.key !== "Enter" && e.key !== " ") begin();
        return;
      }
      arm();
    }, { capture: true, passive: true });
  }
  // A dropped file reaches the app through the window (see verify.js), never the web view.
  for (const ev of ["dragover", "drop"]) document.addEventListener(ev, (e) => e.preventDefault());
  document.addEventListener("contextmenu", (e) => e.preventDefault());
  toStart();
}
