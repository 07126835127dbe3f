// trcalc web pages: copy the breakdown as a table, copy the share link, print, and upload a
// workbook with progress. A file of its own (no inline script: the Content-Security-Policy).
"use strict";

function rowsOf(table) {
  return Array.from(table.querySelectorAll("tr")).map(tr =>
    Array.from(tr.children).map(td => td.innerText.replace(/\s+/g, " ").trim()));
}

// Tab-separated lines: Excel pastes them as cells (one row per line, one cell per tab).
function tableText() {
  const lines = [[document.querySelector("h1").innerText, document.getElementById("sonuc").innerText]];
  for (const id of ["dokum", "dayanak"]) {
    const t = document.getElementById(id);
    if (t) lines.push([], ...rowsOf(t));
  }
  return lines.map(cells => cells.join("\t")).join("\n");
}

async function copy(text, message) {
  const area = document.getElementById("kopya-metin");
  if (area) area.value = text;
  const status = document.getElementById("durum");
  try {
    await navigator.clipboard.writeText(text);
    if (status) status.textContent = message;
  } catch (e) {
    if (area) { area.hidden = false; area.select(); }
    if (status) status.textContent = "Kopyalanamadı: metni seçip Ctrl+C ile kopyalayın.";
  }
}

function on(id, fn) { const el = document.getElementById(id); if (el) el.addEventListener("click", fn); }

function setupCalc() {
  on("yazdir", () => window.print());
  on("kopyala", () => copy(tableText(), "Döküm kopyalandı: Excel'de bir hücreye yapıştırın."));
  on("paylas-kopyala", () => copy(document.getElementById("paylas").href, "Bağlantı kopyalandı."));
  const errors = document.getElementById("hata");
  if (errors) errors.focus();
}

function base64Blob(b64, type) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
}

function setupUpload() {
  const form = document.getElementById("yukle-form");
  if (!form) return;
  form.addEventListener("submit", ev => {
    ev.preventDefault();
    const file = document.getElementById("dosya").files[0];
    const fail = document.getElementById("yukle-hata");
    fail.hidden = true;
    if (!file) { fail.textContent = "Bir .xlsx dosyası seçin."; fail.hidden = false; return; }
    const bar = document.getElementById("ilerleme-cubugu");
    const text = document.getElementById("ilerleme-metni");
    document.getElementById("ilerleme").hidden = false;
    document.getElementById("yukle-sonuc").hidden = true;
    bar.value = 0; text.textContent = "Yükleniyor…";
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/workbook?report=json");
    xhr.upload.onprogress = e => {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); text.textContent = `Yükleniyor… %${bar.value}`; }
    };
    xhr.upload.onload = () => { bar.removeAttribute("value"); text.textContent = "Hesaplanıyor…"; };
    xhr.onerror = () => { text.textContent = ""; fail.textContent = "Sunucuya ulaşılamadı."; fail.hidden = false; };
    xhr.onload = () => {
      document.getElementById("ilerleme").hidden = true;
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status !== 200 || !body || body.error) {
        fail.textContent = (body && body.error && body.error.message) || `Hata (HTTP ${xhr.status})`;
        fail.hidden = false;
        return;
      }
      const link = document.getElementById("indir");
      link.href = URL.createObjectURL(base64Blob(body.file, body.mimetype));
      link.download = body.filename;
      document.getElementById("yukle-ozet").textContent =
        `${body.formulas} formül hesaplandı; ${body.errors.length} hücre hatalı.`;
      // the figures the person came for (the summary sheet's totals), then what computed them
      const figures = document.getElementById("ozet-rakamlar");
      figures.querySelectorAll("tr.row").forEach(tr => tr.remove());
      for (const h of body.headline || []) {
        const tr = document.createElement("tr");
        tr.className = "row";
        const a = document.createElement("td"); a.textContent = h.label; tr.appendChild(a);
        const b = document.createElement("td"); b.className = "num"; b.textContent = h.value; tr.appendChild(b);
        figures.appendChild(tr);
      }
      figures.hidden = !(body.headline && body.headline.length);
      document.getElementById("yukle-damga").textContent =
        (body.stamp || []).map(s => `${s.label}: ${s.value}`).join(" · ");
      const table = document.getElementById("hatali-hucreler");
      table.querySelectorAll("tr.row").forEach(tr => tr.remove());
      for (const e of body.errors) {
        const tr = document.createElement("tr");
        tr.className = "row";
        for (const v of [e.sheet, e.cell, e.message]) {
          const td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
        }
        table.appendChild(tr);
      }
      table.hidden = body.errors.length === 0;
      document.getElementById("yukle-sonuc").hidden = false;
    };
    const data = new FormData();
    data.append("file", file);
    xhr.send(data);
  });
}

document.addEventListener("DOMContentLoaded", () => { setupCalc(); setupUpload(); });
