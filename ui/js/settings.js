// Cài đặt: trusted roots, the signing key file, TSA, office and station names, backups. Files are chosen
// only through dialogs the officer drives; the page never names a path.

import { invoke, errorText } from "./api.js";
import { t } from "./i18n.js";
import { showPath } from "./paths.js";
import { initBackup, drawBackups } from "./backup.js";

const $ = (id) => document.getElementById(id);

function draw(s) {
  $("set-roots").replaceChildren(...(s.trust.length ? s.trust.map((p) => { const li = document.createElement("li"); showPath(li, p); return li; }) : [Object.assign(document.createElement("li"), { textContent: t("noRoots") })]));
  $("set-demo").hidden = !s.demo_trust;
  showPath($("set-p12"), s.p12, t("noKeyFile"));
  $("set-tsa").value = s.tsa || "";
  $("set-office").value = s.office || "";
  $("set-org-code").value = s.org_code || "";
  showPath($("set-signature-image"), s.signature_image, t("noImage"));
  showPath($("set-seal-image"), s.seal_image, t("noImage"));
  $("set-station").value = s.station || "";
  showPath($("set-pkcs11-current"), s.pkcs11, t("noModule"));
  $("set-token-label").value = s.token_label || "";
  drawBackups(s);
  current = s;
}

let current = null;

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
    changed(invoke("save_settings", { officeName: $("set-office").value, orgCode: $("set-org-code").value, station: $("set-station").value, tsa: $("set-tsa").value }));
  });
  $("btn-add-root").addEventListener("click", () => changed(invoke("add_trust_root")));
  $("btn-pick-p12").addEventListener("click", () => changed(invoke("pick_p12")));
  for (const [btn, which] of [["btn-pick-signature", "signature"], ["btn-pick-seal", "seal"]]) {
    $(btn).addEventListener("click", async () => {
      const st = $("set-image-status");
      try {
        draw(await invoke("pick_stamp_image", { which }));
        st.textContent = t("saved");
        document.dispatchEvent(new CustomEvent("hoso:settings"));
      } catch (e) { st.textContent = errorText(e); }
    });
  }
  $("btn-pick-pkcs11").addEventListener("click", () => changed(invoke("pick_pkcs11", { path: "" })));
  $("set-pkcs11").addEventListener("change", () => {
    const path = $("set-pkcs11").value;
    if (path) changed(invoke("pick_pkcs11", { path }));
  });
  initBackup();
  $("btn-save-token").addEventListener("click", () => changed(invoke("set_key_source", { useToken: !!current?.use_token, tokenLabel: $("set-token-label").value })));
  const modules = await invoke("token_modules");
  const first = Object.assign(document.createElement("option"), { value: "", textContent: t("chooseModule") });
  $("set-pkcs11").replaceChildren(first, ...modules.map((m) => Object.assign(document.createElement("option"), { value: m, textContent: m })));
  draw(await invoke("get_settings"));
}
