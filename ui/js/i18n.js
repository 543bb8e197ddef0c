// Vietnamese first; English when chosen in Cài đặt / Settings. Vietnamese text lives in the HTML
// (what people see before any script runs); English and the script's own strings live here.

const EN = {
  "skip": "Skip to content",
  "app.name": "Hồ sơ số — digital dossiers",
  "nav.label": "Screens",
  "nav.digitize": "Digitize",
  "nav.sign": "Sign",
  "nav.verify": "Verify",
  "nav.register": "Register",
  "nav.settings": "Settings",
  "digitize.title": "Digitize a dossier",
  "digitize.import": "Import files…",
  "digitize.scan": "Scan from a scanner",
  "digitize.drop": "Or drag and drop scans (JPEG, PNG, TIFF) and PDFs onto the window.",
  "digitize.documents": "Documents and pages",
  "digitize.pagesHelp": "Drag a card to reorder it, or use the Up/Down buttons. “Split” starts a new document at that file.",
  "digitize.empty": "No files yet. Import or drop scans here.",
  "digitize.dossier": "Dossier details",
  "digitize.build": "Build the PDF/A dossier",
  "f.code": "Dossier code",
  "f.codeHint": "Circular 01/2018/TT-VPCP: office code-YYMMDD-serial.",
  "f.title": "Dossier title",
  "f.metadata": "Archival metadata (Circular 05/2025/TT-BNV)",
  "f.retention": "Retention period",
  "f.access": "Access regime",
  "f.public": "Public",
  "f.restricted": "Restricted",
  "f.archival": "Archival dossier code",
  "f.start": "Start date",
  "f.end": "End date",
  "f.keywords": "Keywords (comma-separated)",
  "f.language": "Language (ISO 639-1)",
  "result.title": "The dossier is built",
  "result.path": "File",
  "result.pages": "Pages",
  "result.documents": "Documents",
  "result.level": "Standard",
  "result.size": "Size",
  "result.warnings": "Warnings",
  "result.new": "New dossier",
  "result.back": "Back to editing",
  "result.sign": "Sign this dossier",
  "sign.title": "Sign and certify copies",
  "sign.files": "PDF files to sign",
  "sign.choose": "Choose PDF files…",
  "sign.cert": "Certificate",
  "sign.p12": "PKCS#12 file (.p12)",
  "sign.tokenOpt": "Signing device (USB token)",
  "sign.pin": "PIN / password",
  "sign.visible": "Visible signature (Decree 30/2020)",
  "sign.go": "Sign",
  "sign.copyTitle": "Certified copies (“sao y”)",
  "sign.copyNo": "Next copy number",
  "sign.copyGo": "Make a certified copy",
  "verify.title": "Check a document",
  "verify.drop": "Place the PDF to check here",
  "verify.choose": "Choose the file to check",
  "verify.qr": "QR code on the paper copy",
  "verify.go": "Check",
  "verify.card": "The result shows here: green (valid), amber (take note), red (not valid).",
  "register.title": "Register",
  "register.search": "Search by dossier code or SHA-256",
  "register.caption": "Registered entries",
  "register.when": "When",
  "register.what": "Dossier code",
  "register.none": "No entries yet.",
  "register.audit": "Check integrity",
  "register.export": "Export audit bundle",
  "settings.title": "Settings",
  "settings.language": "Interface language",
  "settings.workspace": "Dossier folder",
  "settings.trust": "Trusted roots, signing certificates, timestamp server",
  "settings.roots": "Trusted root certificates",
  "settings.tsa": "Timestamp server (TSA) URL",
  "settings.tokens": "Signing devices (USB tokens)",
  "settings.pkcs11": "PKCS#11 library",
  "settings.scanner": "Default scanner",
  "settings.dpi": "Resolution (dpi)",
  "settings.office": "Office and seal",
  "settings.officeName": "Office name",
  "settings.seal": "Seal image",
  "settings.station": "Workstation",
  "settings.stationName": "Workstation name",
  "kiosk.title": "Check a digitized, signed document",
  "kiosk.lead": "See whether a document was issued by the office and whether it changed since.",
  "kiosk.start": "Start",
  "kiosk.lang": "Press any key or touch to start.",
};

// Strings built by scripts: [Vietnamese, English].
const MSG = {
  up: ["Lên", "Up"],
  down: ["Xuống", "Down"],
  remove: ["Xóa", "Delete"],
  split: ["Tách", "Split"],
  rotate: ["Xoay", "Rotate"],
  upLabel: ["Chuyển {name} lên trước", "Move {name} earlier"],
  downLabel: ["Chuyển {name} xuống sau", "Move {name} later"],
  removeLabel: ["Xóa {name} khỏi hồ sơ", "Remove {name} from the dossier"],
  splitLabel: ["Bắt đầu tài liệu mới từ {name}", "Start a new document at {name}"],
  rotateLabel: ["Xoay {name}", "Rotate {name}"],
  merge: ["Gộp vào tài liệu trước", "Merge into the previous document"],
  docNum: ["Tài liệu {n}", "Document {n}"],
  docName: ["Tên tài liệu", "Document name"],
  docType: ["Loại văn bản", "Document type"],
  docDate: ["Ngày văn bản", "Document date"],
  docIssuer: ["Cơ quan ban hành", "Issued by"],
  pages: ["{n} trang", "{n} pages"],
  page1: ["1 trang", "1 page"],
  noPreview: ["Không có ảnh xem trước", "No preview"],
  previewLoading: ["Đang tải…", "Loading…"],
  planned: ["Đã đọc đủ tệp: {n} trang sẽ được ghi", "Inputs read: {n} pages to write"],
  page: ["Đang ghi trang {done}/{total} ({file})", "Writing page {done}/{total} ({file})"],
  finishing: ["Đang hoàn tất và ghi đĩa…", "Finishing and syncing…"],
  fixFields: ["Còn {n} trường cần sửa (xem bên cạnh từng trường).", "{n} fields need correcting (see next to each field)."],
  failedImport: ["Không nhập được:", "Could not import:"],
  moved: ["Đã chuyển {name} sang vị trí {pos}", "Moved {name} to position {pos}"],
  removed: ["Đã xóa {name}", "Removed {name}"],
  imported: ["Đã nhập {n} tệp", "Imported {n} files"],
  reason: ["Chưa có: đang phát triển (issue #{issue}) / not yet available", "Not yet available: in development (issue #{issue}) / chưa có"],
  reasonRotate: ["Chưa có: xoay trang cần hoso-scan (issue #7) / not yet available", "Not yet available: page rotation needs hoso-scan (issue #7) / chưa có"],
  bytes: ["{n} byte", "{n} bytes"],
};

let lang = "vi";
const viText = new Map();

/** The current language, `vi` or `en`. */
export function currentLang() { return lang; }

/** A script string in the current language, with `{name}` placeholders filled. */
export function t(key, vars = {}) {
  const pair = MSG[key];
  let s = pair ? pair[lang === "en" ? 1 : 0] : key;
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** Applies `code` to every `data-i18n` element and remembers the choice. */
export function setLang(code) {
  lang = code === "en" ? "en" : "vi";
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) {
    const key = el.dataset.i18n;
    if (!viText.has(el)) viText.set(el, el.textContent);
    el.textContent = lang === "en" && EN[key] ? EN[key] : viText.get(el);
  }
  for (const el of document.querySelectorAll("[data-i18n-label]")) {
    const key = el.dataset.i18nLabel;
    if (!viText.has(el)) viText.set(el, el.getAttribute("aria-label"));
    el.setAttribute("aria-label", lang === "en" && EN[key] ? EN[key] : viText.get(el));
  }
  try { localStorage.setItem("hoso.lang", lang); } catch { /* private mode: not remembered */ }
  document.dispatchEvent(new CustomEvent("hoso:lang"));
}

/** The language chosen last time, Vietnamese by default. */
export function savedLang() {
  try { return localStorage.getItem("hoso.lang") || "vi"; } catch { return "vi"; }
}
