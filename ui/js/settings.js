// Cài đặt: trusted roots, the signing key file, TSA, office and station names. Files are chosen
// only through dialogs the officer drives; the page never names a path.

import { invoke, errorText } from "./api.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

function draw(s) {
  $("set-roots").replaceChildren(...(s.trust.length ? s.trust : [t("noRoots")]).map((p) => Object.assign(document.createElement("li"), { textContent: p })));
  $("set-demo").hidden = !s.demo_trust;
  $("set-p12").textContent = s.p12 || t("noKeyFile");
  $("set-tsa").value = s.tsa || "";
  $("set-office").value = s.office || "";
  $("set-station").value = s.station || "";
}

async function changed(promise) {
  const status = $("set-status");
  try {
    draw(await promise);
    status.textContent = t("saved");
    document.dispatchEvent(new CustomEvent("hoso:settings"));
  } catch (e) { status.textContent = errorText(e); }
}

export async function initSettings() {
  $("settings-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    changed(invoke("save_settings", { officeName: $("set-office").value, station: $("set-station").value, tsa: $("set-tsa").value }));
  });
  $("btn-add-root").addEventListener("click", () => changed(invoke("add_trust_root")));
  $("btn-pick-p12").addEventListener("click", () => changed(invoke("pick_p12")));
  draw(await invoke("get_settings"));
}
