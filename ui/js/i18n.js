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
  "register.search": "Search by dossier code, title, copy number or SHA-256",
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
  "settings.office": "Seal",
  "settings.officeName": "Office name",
  "settings.seal": "Seal image",
  "settings.station": "Workstation",
  "settings.stationName": "Workstation name",
  "sign.empty": "No files yet. Choose files, or build a dossier and press “Sign this dossier”.",
  "sign.source": "Signing key",
  "sign.keyWhere": "Key file / token library",
  "settings.pickPkcs11": "Choose library file…",
  "settings.current": "In use:",
  "settings.tokenLabel": "Token label (leave empty when one token is plugged in)",
  "sign.unlock": "Unlock and show the certificate",
  "sign.done": "Signed",
  "sign.failures": "Not signed (originals untouched)",
  "cert.subject": "Owner",
  "cert.issuer": "Issued by",
  "cert.validity": "Valid",
  "cert.fingerprint": "SHA-256 fingerprint",
  "cert.demo": "DEMO certificate: for trying only, never for real documents.",
  "verify.details": "Full technical report",
  "register.file": "Register file:",
  "register.kind": "Kind",
  "register.checkpoints": "Signed checkpoints",
  "settings.demo": "The DEMO root is trusted (settings file): for trying only.",
  "settings.addRoot": "Add a root certificate…",
  "settings.p12": "Signing key file (PKCS#12)",
  "settings.pickP12": "Choose key file…",
  "settings.save": "Save settings",
  "result.register": "Register",
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
  rotated: ["Đã xoay {name}: {deg}°", "Rotated {name}: {deg}°"],
  bytes: ["{n} byte", "{n} bytes"],
  noKeyFile: ["chưa chọn (Cài đặt → Tệp khóa ký)", "not chosen (Settings → Signing key file)"],
  certNotValidNow: ["(không còn / chưa có hiệu lực)", "(not valid now)"],
  signedOne: ["Đã ký {done}/{total}: {name}", "Signed {done}/{total}: {name}"],
  failedOne: ["Không ký được {done}/{total}: {name}", "Could not sign {done}/{total}: {name}"],
  signSummary: ["Đã ký {ok} tệp; {failed} tệp lỗi.", "{ok} files signed; {failed} failed."],
  registerSeq: ["mục số {seq} trong sổ đăng ký", "register entry {seq}"],
  checkIt: ["Kiểm tra", "Check"],
  checkItLabel: ["Kiểm tra {name}", "Check {name}"],
  v_valid: ["HỢP LỆ — văn bản nguyên vẹn, chữ ký số tin cậy", "VALID — the document is intact and the signature trusted"],
  v_untrusted: ["CẦN LƯU Ý — chữ ký nguyên vẹn nhưng chứng thư chưa được tin cậy", "TAKE NOTE — intact, but the certificate is not trusted"],
  v_invalid: ["KHÔNG HỢP LỆ — văn bản đã bị sửa hoặc chữ ký sai", "NOT VALID — the document was changed or the signature is wrong"],
  v_registered: ["ĐÚNG BẢN ĐÃ ĐĂNG KÝ tại cơ quan", "MATCHES the office's register"],
  v_unsigned: ["CẦN LƯU Ý — không có chữ ký số và không có trong sổ đăng ký", "TAKE NOTE — not signed and not in the register"],
  v_other_register: ["CẦN LƯU Ý — mã QR thuộc sổ đăng ký của nơi khác", "TAKE NOTE — the QR code belongs to another office's register"],
  v_qr_mismatch: ["KHÔNG KHỚP — mã QR không khớp với sổ đăng ký", "NO MATCH — the QR code does not match the register"],
  v_no_entry: ["KHÔNG CÓ TRONG SỔ — không tìm thấy mục này", "NOT FOUND — no such register entry"],
  vFile: ["Tệp", "File"],
  vSigner: ["Người ký", "Signed by"],
  vWhen: ["Thời điểm ký", "Signed at"],
  vTimestamped: ["có dấu thời gian", "timestamped"],
  vUnknown: ["không rõ", "unknown"],
  vChanged: ["Thay đổi sau khi ký", "Changed since signing"],
  vChangedYes: ["CÓ — nội dung đã bị sửa", "YES — the content was changed"],
  vChangedNo: ["không", "no"],
  vChangedAllowed: ["chỉ thêm chữ ký hoặc dữ liệu kiểm tra lâu dài", "only later signatures or long-term validation data"],
  vRegister: ["Sổ đăng ký", "Register"],
  vTitle: ["Trích yếu", "Title"],
  vProofOk: ["đã kiểm chứng", "proof verified"],
  vProofBad: ["bằng chứng KHÔNG khớp", "proof does NOT verify"],
  vNotRegistered: ["không có trong sổ đăng ký của cơ quan này", "not in this office's register"],
  vDemo: ["Đang tin cậy gốc DEMO: kết quả chỉ để thử.", "The DEMO root is trusted: for trying only."],
  vChecking: ["Đang kiểm tra…", "Checking…"],
  vEmpty: ["Kết quả sẽ hiện ở đây: xanh (hợp lệ), vàng (cần lưu ý), đỏ (không hợp lệ).", "The result shows here: green (valid), amber (take note), red (not valid)."],
  entries: ["{n} mục", "{n} entries"],
  noEntries: ["Chưa có mục nào.", "No entries yet."],
  kind_dossier: ["Hồ sơ", "Dossier"],
  kind_signed: ["Đã ký", "Signed"],
  kind_copy: ["Bản sao", "Copy"],
  kind_other: ["Khác", "Other"],
  checkpoint: ["{size} mục, ký lúc {time}", "{size} entries, signed at {time}"],
  auditing: ["Đang kiểm tra toàn bộ sổ…", "Auditing the whole register…"],
  auditClean: ["Toàn vẹn: {n} mục, {c} điểm kiểm tra đều khớp.", "Intact: {n} entries and {c} checkpoints all match."],
  auditBad: ["SỔ BỊ SỬA từ mục {seq} ({n} phát hiện).", "TAMPERED from entry {seq} ({n} findings)."],
  exported: ["Đã xuất gói kiểm toán vào {dir}", "Audit bundle written to {dir}"],
  noRoots: ["chưa có", "none"],
  noModule: ["chưa chọn thư viện PKCS#11 (Cài đặt → Thiết bị ký)", "no PKCS#11 library chosen (Settings → Signing devices)"],
  chooseModule: ["— thư viện đã đăng ký trên máy —", "— libraries registered on this machine —"],
  saved: ["Đã lưu.", "Saved."],
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
