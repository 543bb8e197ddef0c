// Start-up: ask the shell which mode and features this build has, draw the screens, and wire the
// navigation. Officer mode gets every screen; kiosk mode only the verify screen (see kiosk.js).

import { invoke } from "./api.js";
import { setLang, savedLang, t } from "./i18n.js";
import { initDigitize } from "./digitize.js";
import { initKiosk } from "./kiosk.js";
import { initSign } from "./sign.js";
import { initVerify } from "./verify.js";
import { initRegister } from "./register.js";
import { initSettings } from "./settings.js";
import { initReport } from "./report.js";

const SCREENS = ["digitize", "sign", "verify", "register", "report", "settings"];

/** Shows one screen and marks its tab; focus moves to the screen's heading for screen readers. */
export function showScreen(name, { focus = true } = {}) {
  for (const s of document.querySelectorAll(".screen")) s.hidden = s.id !== `screen-${name}`;
  for (const b of document.querySelectorAll(".tab")) {
    if (b.dataset.screen === name) b.setAttribute("aria-current", "page");
    else b.removeAttribute("aria-current");
  }
  document.body.dataset.screen = name;
  document.dispatchEvent(new CustomEvent("hoso:screen", { detail: name }));
  if (focus) document.querySelector(`#screen-${name} h2`)?.focus();
}

/** Disables every control of a feature that has not landed and writes its reason next to it. */
function applyFeatures(features) {
  const byId = new Map(features.map((f) => [f.id, f]));
  const draw = () => {
    for (const box of document.querySelectorAll("[data-feature]")) {
      const f = byId.get(box.dataset.feature);
      const available = !!(f && f.available);
      box.dataset.available = String(available);
      const reason = box.querySelector(".reason");
      if (reason && !available) {
        reason.textContent = f && f.missing ? t(f.missing) : t("reason", { issue: f ? f.issue : "?" });
      }
      if (!available) {
        for (const c of box.querySelectorAll("button, input, select")) {
          c.disabled = true;
          if (c.type === "checkbox") c.checked = false;
        }
      }
    }
  };
  draw();
  document.addEventListener("hoso:lang", draw);
}

function recordFirstPaint() {
  requestAnimationFrame(() => requestAnimationFrame(() => {
    window.hosoMetrics = { firstPaintEpochMs: performance.timeOrigin + performance.now() };
  }));
}

async function start() {
  for (const h of document.querySelectorAll(".screen h2")) h.tabIndex = -1;
  setLang(savedLang());
  const info = await invoke("app_info");
  window.hosoInfo = info;
  const kiosk = info.mode === "kiosk";
  document.documentElement.classList.add(kiosk ? "kiosk" : "officer");
  document.body.classList.add(kiosk ? "kiosk" : "officer");
  document.getElementById("foot-version").textContent = `hoso ${info.version}`;
  applyFeatures(info.features);
  if (kiosk) {
    // The officer's screens are not just hidden: they are removed, so nothing in them can be
    // reached by keyboard, script or accessibility tree.
    for (const el of document.querySelectorAll(".officer-only")) el.remove();
    initVerify(info, showScreen);
    initKiosk(info, showScreen);
  } else {
    for (const el of document.querySelectorAll(".kiosk-only")) el.remove();
    document.getElementById("set-workspace").textContent = info.workspace;
    const lang = document.getElementById("set-lang");
    lang.value = savedLang();
    lang.addEventListener("change", () => setLang(lang.value));
    for (const b of document.querySelectorAll(".tab")) {
      b.addEventListener("click", () => showScreen(b.dataset.screen));
    }
    await initDigitize(info, showScreen);
    initVerify(info, showScreen);
    initRegister();
    await Promise.all([initSign(), initSettings(), initReport()]);
    showScreen("digitize", { focus: false });
  }
  document.body.classList.remove("loading");
  recordFirstPaint();
}

start().catch((e) => {
  document.body.classList.remove("loading");
  const p = document.createElement("p");
  p.className = "error-box";
  p.setAttribute("role", "alert");
  p.textContent = `Không khởi động được / could not start: ${e && e.message ? e.message : e}`;
  document.querySelector("main").prepend(p);
});

export { SCREENS };
