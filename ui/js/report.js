// Báo cáo: the Decision 766/QĐ-TTg indicators over a period, made by the same library flow as
// `hoso report`; the table, two charts drawn here as SVG (no chart library), and the PDF/A, CSV
// and JSON files written into the workspace, each opened by id.

import { invoke, errorText } from "./api.js";
import { t, currentLang, vnDate } from "./i18n.js";
import { openButtons } from "./paths.js";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
let last = null;

/** "12.5" → "12,5" in Vietnamese (decimal comma); counts unchanged. */
function number(v) {
  return currentLang() === "en" ? v : String(v).replace(".", ",");
}

function monthName(m) {
  const [y, mm] = String(m).split("-");
  return t("repMonth", { m: currentLang() === "en" ? m : `${mm}/${y}` });
}

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function drawTable(r) {
  const en = currentLang() === "en";
  $("rep-head").replaceChildren(
    el("th", t("repIndicator"), { scope: "col" }),
    ...r.report.months.map((m) => el("th", monthName(m.month), { scope: "col", class: "num" })),
    el("th", t("repUnit"), { scope: "col" }),
  );
  $("rep-rows").replaceChildren(...r.rows.map((row) => {
    const tr = el("tr", undefined, { "data-code": row.code });
    tr.append(el("th", en ? row.en : row.vi, { scope: "row" }));
    for (const v of row.values) tr.append(el("td", number(v), { class: "num" }));
    tr.append(el("td", row.unit === "%" ? "%" : (en ? { "hồ sơ": "dossiers", "văn bản": "documents", "bản": "copies" }[row.unit] || row.unit : row.unit)));
    return tr;
  }));
}

/** Three shares per month as horizontal bars, 0–100 %. */
function sharesChart(months) {
  const w = 640, rowH = 22, gap = 10, left = 200, barW = w - left - 70;
  const series = [["repShareDigitized", "received_with_digitized", "received", "c1"], ["repShareReuse", "received_with_reuse", "received", "c2"], ["repShareResult", "resolved_with_digitized_result", "resolved", "c3"]];
  const h = months.length * ((series.length + 1) * rowH + gap) + 10;
  const root = svg("svg", { viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: "img", class: "chart" });
  const labels = [];
  let y = 4;
  for (const m of months) {
    const pct = series.map(([, part, whole]) => (m[whole] ? Math.round((m[part] * 1000) / m[whole]) / 10 : 0));
    labels.push(t("repSharesLabel", { m: monthName(m.month), a: number(pct[0]), b: number(pct[1]), c: number(pct[2]) }));
    root.append(svg("text", { x: 0, y: y + 15, class: "chart-label chart-month" }, monthName(m.month)));
    y += rowH;
    series.forEach(([key, , , cls], i) => {
      root.append(svg("text", { x: 12, y: y + 15, class: "chart-label" }, t(key)));
      root.append(svg("rect", { x: left, y: y + 3, width: barW, height: rowH - 8, class: "chart-track" }));
      root.append(svg("rect", { x: left, y: y + 3, width: (barW * pct[i]) / 100, height: rowH - 8, class: `chart-bar ${cls}` }));
      root.append(svg("text", { x: left + barW + 6, y: y + 15, class: "chart-label" }, `${number(pct[i].toFixed(1))} %`));
      y += rowH;
    });
    y += gap;
  }
  root.setAttribute("aria-label", labels.join(" "));
  return root;
}

/** Received, resolved and signed per day of one month, as grouped columns. */
function daysChart(m) {
  const w = 640, h = 180, left = 30, bottom = 24, top = 8;
  const days = m.by_day;
  const max = Math.max(1, ...days.map((d) => Math.max(d.received, d.resolved, d.outgoing_signed)));
  const slot = (w - left) / Math.max(1, days.length);
  const bw = Math.max(1, slot / 4);
  const root = svg("svg", { viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: "img", class: "chart" });
  const sum = (k) => days.reduce((a, d) => a + d[k], 0);
  root.setAttribute("aria-label", t("repDaysLabel", { m: monthName(m.month), r: sum("received"), s: sum("resolved"), o: sum("outgoing_signed"), max }));
  const plotH = h - bottom - top;
  root.append(svg("line", { x1: left, y1: top + plotH, x2: w, y2: top + plotH, class: "chart-axis" }));
  root.append(svg("text", { x: 0, y: top + 10, class: "chart-label" }, String(max)));
  root.append(svg("text", { x: 0, y: top + plotH, class: "chart-label" }, "0"));
  days.forEach((d, i) => {
    const x0 = left + i * slot + slot / 8;
    [["received", "c1"], ["resolved", "c2"], ["outgoing_signed", "c3"]].forEach(([k, cls], j) => {
      const bh = (plotH * d[k]) / max;
      if (bh > 0) root.append(svg("rect", { x: x0 + j * bw, y: top + plotH - bh, width: bw, height: bh, class: `chart-bar ${cls}` }));
    });
    const day = Number(d.key.slice(8));
    if (i === 0 || i === days.length - 1 || day % 5 === 0) {
      root.append(svg("text", { x: x0, y: h - 6, class: "chart-label" }, String(day)));
    }
  });
  return root;
}

function legend() {
  const ul = el("ul", undefined, { class: "plain chart-legend" });
  for (const [key, cls] of [["repReceived", "c1"], ["repResolved", "c2"], ["repSigned", "c3"]]) {
    const li = el("li");
    li.append(el("span", "", { class: `swatch ${cls}`, "aria-hidden": "true" }), " ", t(key));
    ul.append(li);
  }
  return ul;
}

function drawCharts(r) {
  const box = $("rep-charts");
  const shares = el("figure");
  shares.append(el("figcaption", t("repChartShares")), sharesChart(r.report.months));
  const days = el("figure");
  days.append(el("figcaption", t("repChartDays")), legend(), ...r.report.months.map(daysChart));
  box.replaceChildren(shares, days);
}

function drawFiles(r) {
  $("rep-files").replaceChildren(...r.files.map((f) => {
    const li = el("li", undefined, { class: "rep-file" });
    li.append(el("strong", f.name), openButtons(f));
    return li;
  }));
}

function draw(r) {
  drawTable(r);
  drawCharts(r);
  drawFiles(r);
  $("rep-result").hidden = false;
  $("rep-status").textContent = t("repMade", { from: vnDate(r.report.from, { time: false }), to: vnDate(r.report.to, { time: false }), n: r.report.entries });
}

/** A date as people here write it — dd/mm/yyyy, or mm/yyyy for a month — as the library takes
 * it (YYYY-MM-DD or YYYY-MM); anything else unchanged, for the library to refuse in words. */
export function isoDate(text) {
  const s = String(text || "").trim();
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) return `${m[3]}-${m[2].padStart(2, "0")}-${m[1].padStart(2, "0")}`;
  m = /^(\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) return `${m[2]}-${m[1].padStart(2, "0")}`;
  return s;
}

async function make() {
  const from = isoDate($("rep-from").value);
  const to = isoDate($("rep-to").value);
  const err = $("rep-error");
  err.hidden = true;
  if (!from || !to) {
    err.textContent = t("repNeedDates");
    err.hidden = false;
    return;
  }
  $("btn-report").disabled = true;
  $("rep-status").textContent = t("repMaking");
  try {
    last = await invoke("make_report_files", { from, to });
    draw(last);
  } catch (e) {
    $("rep-status").textContent = "";
    err.textContent = errorText(e);
    err.hidden = false;
  } finally {
    $("btn-report").disabled = false;
  }
}

export async function initReport() {
  $("report-form").addEventListener("submit", (ev) => { ev.preventDefault(); make(); });
  document.addEventListener("hoso:lang", () => { if (last) draw(last); });
  try {
    const p = await invoke("report_period");
    $("rep-from").value = vnDate(p.from, { time: false });
    $("rep-to").value = vnDate(p.to, { time: false });
  } catch (e) {
    $("rep-status").textContent = errorText(e);
  }
}
