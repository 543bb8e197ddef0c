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
  "scan.title": "Scan from a scanner",
  "scan.device": "Scanner",
  "scan.source": "Paper source",
  "scan.adf": "Document feeder (one side)",
  "scan.duplex": "Document feeder, both sides",
  "scan.flatbed": "Flatbed glass",
  "scan.dpi": "Resolution (dpi, at least 200 per Circular 05/2025)",
  "scan.mode": "Colour mode",
  "scan.color": "Colour",
  "scan.gray": "Grey",
  "scan.lineart": "Black and white",
  "scan.go": "Scan",
  "scan.cancel": "Stop scanning",
  "digitize.drop": "Or drag and drop scans (JPEG, PNG, TIFF) and PDFs onto the window.",
  "digitize.documents": "Documents and pages",
  "digitize.pagesHelp": "Drag a card to reorder it, or use the Up/Down buttons. “Split” starts a new document at that file.",
  "digitize.empty": "No files yet. Import or drop scans here.",
  "digitize.dossier": "Dossier details",
  "digitize.build": "Build the PDF/A dossier",
  "digitize.clean": "Clean pages",
  "digitize.ocr": "Recognise text (OCR)",
  "digitize.cancel": "Cancel",
  "sign.level": "Signature level (PAdES)",
  "sign.levelDefault": "As in Settings",
  "sign.levelBB": "Basic — the signature only (B-B)",
  "sign.levelBT": "With a trusted timestamp (B-T)",
  "sign.levelBLT": "With long-term validation data (B-LT)",
  "sign.levelBLTA": "Long-term archive, with an archive timestamp (B-LTA)",
  "sign.lock": "Lock",
  "sign.lockHint": "The key locks itself after 5 minutes without use.",
  "cert.org": "Organisation",
  "digitize.undo": "Undo",
  "sign.place": "Place the signature on the page…",
  "sign.placeReset": "Back to the automatic position",
  "sign.placeHint": "Drag the red box to where the signature goes (or select it and use the arrow keys, 1 mm a press). It starts at the signer block found on the page.",
  "sign.placeBox": "Signature box",
  "sign.pinIme": "A Vietnamese input method (Unikey, EVKey, ibus) is on and may change the PIN (e.g. “aa” into “â”). Switch it off (to E) and type the PIN again.",
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
  "sign.copyHint": "Electronic certified copies of the files listed above, signed with the unlocked key in the name of the office set in Settings; copy numbers come from the register.",
  "sign.copyForm": "Copy form",
  "sign.saoY": "Sao y (full copy)",
  "sign.saoLuc": "Sao lục (copy of a copy)",
  "sign.trichSao": "Trích sao (extract)",
  "sign.copyQr": "Print the verification QR code in the bottom margin of page 1",
  "sign.visNone": "None (invisible signature)",
  "sign.visSignature": "The competent person's signature image",
  "sign.visSeal": "The office's seal (second signature, by the clerk)",
  "settings.signatureImage": "Signature image (blue PNG, transparent)",
  "settings.pickImage": "Choose image…",
  "settings.orgCode": "Abbreviation in copy numbers (05/SY-UBND)",
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
  "settings.scanHint": "The scanner, paper source, resolution and colour mode last chosen in the Scan panel (Digitize screen) are remembered on this machine.",
  "settings.office": "Visible signature and seal",
  "settings.officeName": "Office name (printed on copies)",
  "settings.seal": "Seal image (red PNG, transparent, real size)",
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
  "kiosk.usb": "Choose a file from a USB drive",
  "kiosk.usbList": "Files on the USB drive",
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
  cleaning: ["Đang làm sạch trang {done}/{total}", "Cleaning page {done}/{total}"],
  ocring: ["Đang nhận dạng chữ trang {done}/{total}", "Recognising text, page {done}/{total}"],
  cancelling: ["Đang hủy…", "Cancelling…"],
  cancelled: ["Đã hủy; không tạo tệp nào.", "Cancelled; no file was written."],
  notStarted: ["Đã hủy: {n} tệp chưa ký.", "Cancelled: {n} files not signed."],
  fixFields: ["Còn {n} trường cần sửa (xem bên cạnh từng trường).", "{n} fields need correcting (see next to each field)."],
  failedImport: ["Không nhập được:", "Could not import:"],
  moved: ["Đã chuyển {name} sang vị trí {pos}", "Moved {name} to position {pos}"],
  removed: ["Đã xóa {name}", "Removed {name}"],
  imported: ["Đã nhập {n} tệp", "Imported {n} files"],
  ocrMissing: [
    "Máy này chưa cài Tesseract OCR. Linux: sudo apt-get install -y libtesseract5 tesseract-ocr-vie; Windows: cài Tesseract (bản UB Mannheim, có dữ liệu tiếng Việt) vào C:\\Program Files\\Tesseract-OCR rồi mở lại ứng dụng.",
    "Tesseract OCR is not installed on this computer. Linux: sudo apt-get install -y libtesseract5 tesseract-ocr-vie; Windows: install Tesseract (UB Mannheim build, with Vietnamese data) into C:\\Program Files\\Tesseract-OCR and restart the app.",
  ],
  reason: ["Chưa có: đang phát triển (issue #{issue})", "Not yet available: in development (issue #{issue})"],
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
  v_revocation_not_checked: ["HỢP LỆ, CHƯA KIỂM TRA ĐƯỢC TÌNH TRẠNG THU HỒI — văn bản nguyên vẹn, chữ ký tin cậy, nhưng chưa xác nhận được chứng thư không bị thu hồi", "VALID, REVOCATION NOT CHECKED — intact and trusted, but whether the certificate was revoked could not be checked"],
  v_visual_change: ["CẦN LƯU Ý — chữ ký nguyên vẹn nhưng nội dung hiển thị của trang đã thay đổi sau khi ký", "TAKE NOTE — the signature is intact, but what a page shows changed after signing"],
  vSaveReport: ["Lưu biên bản kiểm tra (PDF)", "Save the validation report (PDF)"],
  vReportSaved: ["Đã lưu biên bản: {path}", "Report saved: {path}"],
  v_no_match: ["KHÔNG KHỚP — không có mục nào trong sổ đăng ký khớp", "NO MATCH — nothing in the register matches"],
  vFile: ["Tệp", "File"],
  vSigner: ["Người ký", "Signed by"],
  vWhen: ["Thời điểm ký", "Signed at"],
  vTimestamped: ["có dấu thời gian", "timestamped"],
  vUnknown: ["không rõ", "unknown"],
  vChanged: ["Thay đổi sau khi ký", "Changed since signing"],
  vChangedYes: ["CÓ — nội dung đã bị sửa", "YES — the content was changed"],
  vChangedNo: ["không", "no"],
  vChangedVisual: ["CÓ — trang hiển thị khác với lúc ký (xem báo cáo kỹ thuật: trang và vùng)", "YES — a page looks different from when it was signed (see the technical report: page and area)"],
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
  noImage: ["chưa chọn", "not chosen"],
  noScanner: ["Không thấy máy quét nào (kiểm tra cáp, nguồn, trình điều khiển SANE)", "No scanner found (check cable, power, SANE driver)"],
  scanning: ["Đang quét trang {page}…", "Scanning page {page}…"],
  scannedPage: ["Đã lưu trang {page}", "Page {page} saved"],
  scanDone: ["Đã quét và nhập {n} trang.", "{n} pages scanned and imported."],
  copiedOne: ["Đã sao {done}/{total}: {name}", "Copied {done}/{total}: {name}"],
  copySummary: ["Đã tạo {ok} bản sao; {failed} tệp lỗi.", "{ok} copies made; {failed} failed."],
  copyNumber: ["Số: {n}", "No. {n}"],
  noModule: ["chưa chọn thư viện PKCS#11 (Cài đặt → Thiết bị ký)", "no PKCS#11 library chosen (Settings → Signing devices)"],
  chooseModule: ["— thư viện đã đăng ký trên máy —", "— libraries registered on this machine —"],
  saved: ["Đã lưu.", "Saved."],
  placeAt: ["Trang {page}: tâm chữ ký cách mép trái {x} mm, mép trên {y} mm", "Page {page}: signature centre {x} mm from the left edge, {y} mm from the top"],
  placeAuto: ["Vị trí tự động (khối chữ ký trên trang)", "Automatic position (the signer block on the page)"],
  placeAutoDefault: ["Không tìm thấy khối chữ ký: vị trí mặc định cột phải; hãy kéo khung đến đúng chỗ.", "No signer block found: the default right-column position; drag the box to the right place."],
  tries_ok: ["Token {label}: còn đủ lượt nhập mã PIN.", "Token {label}: PIN tries left."],
  tries_low: ["Token {label}: CÒN ÍT lượt nhập mã PIN — gõ cẩn thận.", "Token {label}: FEW PIN tries left — type carefully."],
  tries_final_try: ["Token {label}: LẦN NHẬP CUỐI — sai nữa token sẽ bị khóa.", "Token {label}: LAST TRY — one more wrong PIN locks the token."],
  tries_locked: ["Token {label}: mã PIN đã bị khóa; cần mã PUK hoặc nơi cấp token mở lại.", "Token {label}: the PIN is locked; the PUK or the issuer must unlock it."],
  triesPad: ["Nhập mã PIN trên thiết bị.", "Type the PIN on the device."],
  tokenCert: ["{name} — cấp bởi {issuer}, hiệu lực {from} – {to}", "{name} — issued by {issuer}, valid {from} – {to}"],
  openFile: ["Mở tệp", "Open file"],
  openFolder: ["Mở thư mục", "Open folder"],
  restoredOne: ["Đã đưa {name} trở lại", "{name} is back"],
  draftRestored: ["Đã mở lại hồ sơ đang làm dở ({n} tệp)", "The dossier in progress is back ({n} files)"],
  draftRestoredMissing: ["Đã mở lại hồ sơ đang làm dở ({n} tệp); {missing} tệp không còn đọc được", "The dossier in progress is back ({n} files); {missing} files can no longer be read"],
  keyLocked: ["Đã khóa: nhập lại mã PIN để ký tiếp.", "Locked: enter the PIN again to sign."],
  keyIdleLocked: ["Đã tự khóa sau 5 phút không thao tác: nhập lại mã PIN để ký tiếp.", "Locked after 5 minutes without use: enter the PIN again to sign."],
  // Kiosk: the same verdicts for citizens, in plain words (no "chứng thư", no register jargon).
  k_valid: ["HỢP LỆ — văn bản còn nguyên, đúng do cơ quan ký", "VALID — the document is unchanged and was signed by the office"],
  k_untrusted: ["CẦN LƯU Ý — văn bản còn nguyên, nhưng người ký không thuộc danh sách cơ quan tin cậy. Hãy hỏi cán bộ.", "TAKE NOTE — the document is unchanged, but the signer is not on the office's trusted list. Please ask an officer."],
  k_revocation_not_checked: ["HỢP LỆ — văn bản còn nguyên, đúng do cơ quan ký (chưa hỏi được nơi cấp chữ ký số lúc này)", "VALID — unchanged and signed by the office (the signature's issuer could not be asked just now)"],
  k_visual_change: ["CẦN LƯU Ý — trang văn bản đã bị thay đổi sau khi ký. Hãy hỏi cán bộ.", "TAKE NOTE — a page was changed after signing. Please ask an officer."],
  k_other_register: ["CẦN LƯU Ý — mã QR của cơ quan khác; hãy tra cứu tại cơ quan đó.", "TAKE NOTE — the QR code is another office's; check it there."],
  k_unsigned: ["CẦN LƯU Ý — văn bản không có chữ ký số và cơ quan chưa lưu bản này", "TAKE NOTE — the document is not signed and the office holds no record of it"],
  k_no_match: ["KHÔNG KHỚP — cơ quan không có bản nào như vậy", "NO MATCH — the office holds no such document"],
  kRegistered: ["Cơ quan đã lưu bản này ngày {date}", "The office recorded this document on {date}"],
  kRegisteredBad: ["Cơ quan có lưu, nhưng không xác nhận được bản lưu. Hãy hỏi cán bộ.", "The office has a record, but it could not be confirmed. Please ask an officer."],
  kNotRegistered: ["Cơ quan chưa lưu bản này", "The office holds no record of this document"],
  kCode: ["Mã hồ sơ", "Dossier code"],
  kCopyNo: ["Số bản sao", "Copy number"],
  kDemo: ["Máy đang chạy thử: kết quả chỉ để thử.", "This machine is in test mode: results are for trying only."],
  usbLooking: ["Đang tìm tệp trên USB…", "Looking for files on the USB drive…"],
  usbNone: ["Chưa thấy USB. Hãy cắm USB vào máy rồi bấm lại.", "No USB drive found. Plug it in and press again."],
  usbEmpty: ["USB không có tệp PDF nào.", "The USB drive holds no PDF file."],
  usbFound: ["Chọn một tệp ({n} tệp):", "Choose a file ({n} files):"],
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

/** An ISO 8601 time ("2026-12-07T14:05:09+07:00") as dd/mm/yyyy hh:mm, as written (Vietnam time
 * inside hoso's files); anything else unchanged. */
export function vnDate(iso, { time = true } = {}) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(String(iso || ""));
  if (!m) return iso;
  const day = `${m[3]}/${m[2]}/${m[1]}`;
  return time && m[4] ? `${day} ${m[4]}:${m[5]}` : day;
}

/** One attribute of an X.500 name ("CN=…, O=…"), unescaped; "" when absent. */
export function dnPart(dn, key) {
  const m = new RegExp(`(?:^|[,/+]\\s*)${key}=((?:\\\\.|[^,+/])*)`, "i").exec(String(dn || ""));
  return m ? m[1].replace(/\\(.)/g, "$1").trim() : "";
}

/** The person in an X.500 name ("CN=Nguyễn Văn A, O=UBND xã…"): "Nguyễn Văn A (UBND xã…)". */
export function personName(dn) {
  const cn = dnPart(dn, "CN");
  const o = dnPart(dn, "O");
  if (!cn && !o) return String(dn || "");
  return cn && o ? `${cn} (${o})` : (cn || o);
}
