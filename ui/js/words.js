// One language at a time (issue 21 point 7). The libraries write each message as
// "tiếng Việt / English", and nest them ("ký thất bại: <vi> / <en> / signing failed"). This
// takes the chosen language's pieces, and replaces the CLI's flags in library advice with the
// app control that does the same (no "--p12" inside the app).

import { currentLang } from "./i18n.js";

// Letters only Vietnamese uses (ASCII English never has them).
const VI = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;
const LETTERS = /[a-z]/i;

/** Where each CLI flag's job is done in the app, [Vietnamese, English]. Longest first. */
const APP_CONTROLS = [
  [/\(--p12, --pkcs11 (?:hoặc|or) (Cài đặt|Settings)\)/g, ["(Cài đặt → Tệp khóa ký hoặc Thiết bị ký)", "(Settings → signing key file or signing device)"]],
  [/;? ?(?:dùng|use) --pkcs11 MODULE/g, ["; chọn thư viện trong Cài đặt → Thiết bị ký", "; choose the library in Settings → Signing devices"]],
  [/\(--slot \/ --token-label\)|\(--key-label\)/g, ["(Cài đặt → Nhãn token)", "(Settings → Token label)"]],
  [/\(--tsa-trust, (?:Cài đặt hoặc|Settings or) --demo\)/g, ["(Cài đặt → Chứng thư gốc tin cậy)", "(Settings → Trusted root certificates)"]],
  [/\(--tsa (?:hoặc|or) (?:Cài đặt|Settings)\)|--tsa URL/g, ["(Cài đặt → Máy chủ dấu thời gian)", "(Settings → Timestamp server)"]],
  [/(?:dùng|pass) --seal-mm/g, ["chọn ảnh con dấu có ghi kích thước thật (Cài đặt → Ảnh con dấu)", "choose a seal image that records its real size (Settings → Seal image)"]],
  [/(?:xem danh sách|see): hoso scan --list/g, ["xem danh sách máy quét (Số hóa → Quét từ máy quét)", "see the scanner list (Digitize → Scan from a scanner)"]],
  [/\(?(?:dùng|see) --at\)?/g, ["(kéo khung chữ ký trên trang)", "(drag the signature box on the page)"]],
];

function pieces(text) {
  const out = [];
  for (const half of String(text).split(" / ")) {
    for (const p of half.split(/: (?=\S)/)) out.push(p);
  }
  return out;
}

/** The part of a bilingual library message in `lang` ("vi" or "en"; default the UI's). */
export function oneLanguage(text, lang = currentLang()) {
  const s = String(text ?? "");
  if (!s.includes(" / ")) return withAppControls(s, lang);
  const want = lang === "en" ? "en" : "vi";
  const kept = [];
  for (const p of pieces(s)) {
    const kind = VI.test(p) ? "vi" : LETTERS.test(p) ? "en" : "both";
    if (kind === want || kind === "both") kept.push(p.trim());
  }
  const joined = kept.filter(Boolean).join(": ");
  return withAppControls(joined || s, lang);
}

function withAppControls(s, lang) {
  let out = s;
  for (const [re, words] of APP_CONTROLS) out = out.replace(re, words[lang === "en" ? 1 : 0]);
  return out;
}
