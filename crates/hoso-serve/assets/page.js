// The upload on the page behind the QR: the PDF goes to /api/verify with the page's payload;
// the answer is drawn with textContent only (nothing from the server becomes markup).
'use strict';
(function () {
  const main = document.querySelector('main');
  const form = document.getElementById('upload');
  const out = document.getElementById('result');
  if (!main || !form || !out) return;
  const payload = main.dataset.payload || '';

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function row(dl, vi, en, value) {
    if (value === undefined || value === null || value === '') return;
    const dt = el('dt', '', vi + ' ');
    dt.appendChild(el('span', 'en', en));
    dl.appendChild(dt);
    dl.appendChild(el('dd', '', String(value)));
  }

  function draw(a) {
    out.replaceChildren();
    out.className = 'card ' + (a.color || 'amber');
    out.dataset.verdict = a.reason || '';
    out.appendChild(el('h2', '', a.headline_vi || a.error_vi || 'Không kiểm tra được'));
    out.appendChild(el('p', 'en', a.headline_en || a.error_en || 'Could not check'));
    if (a.demo_trusted) {
      out.appendChild(el('p', 'note', 'Chứng thư THỬ NGHIỆM (DEMO) được tin cậy: không dùng cho văn bản thật / DEMO root trusted'));
    }
    const r = a.register;
    if (r) {
      const dl = el('dl', 'entry');
      row(dl, 'Cơ quan', 'Office', r.office);
      row(dl, 'Ngày đăng ký', 'Registered on', r.date);
      row(dl, 'Loại', 'Kind', r.kind_words);
      row(dl, 'Số bản sao', 'Copy number', r.copy_number);
      row(dl, 'Trích yếu', 'Title', r.title);
      row(dl, 'Mã hồ sơ', 'Dossier code', r.code);
      row(dl, 'Số thứ tự trong sổ', 'Register entry', r.seq);
      out.appendChild(dl);
    }
    if (a.signers && a.signers.length) {
      const ul = el('ul', 'signers');
      for (const s of a.signers) {
        const li = el('li', '', (s.who || 'Người ký không rõ / unknown signer') + ': ' + s.verdict_vi);
        li.appendChild(el('span', 'en', s.verdict_en + (s.time ? ' · ' + s.time : '')));
        ul.appendChild(li);
      }
      out.appendChild(ul);
    }
    out.hidden = false;
    // On a phone the answer is below the upload box: bring it into view.
    out.scrollIntoView({ block: 'start' });
  }

  form.addEventListener('submit', async function (ev) {
    ev.preventDefault();
    const input = document.getElementById('file');
    const file = input && input.files && input.files[0];
    if (!file) return;
    out.hidden = false;
    out.className = 'card busy';
    out.dataset.verdict = 'busy';
    out.textContent = 'Đang kiểm tra… / Checking…';
    try {
      const r = await fetch('/api/verify?payload=' + encodeURIComponent(payload), {
        method: 'POST',
        headers: { 'content-type': 'application/pdf' },
        body: file,
      });
      draw(await r.json());
    } catch (e) {
      draw({ color: 'amber', reason: 'error', error_vi: 'Không kiểm tra được, vui lòng thử lại', error_en: 'Could not check; please try again' });
    }
  });
})();
