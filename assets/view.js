/* Writes the live boxes of the command centre: KPI values, the feed, the Eskalasi list, the
 * channel mix, the connection line, a complaint's details and the overlay's tooltip.
 *
 * These boxes are written straight into the DOM rather than through Dash props: every Dash prop
 * update makes each component on the page re-run its store selector, which cost 0.6-1 s per
 * update during a burst on this machine. Dash renders the boxes once (empty, of fixed size) and
 * never updates them, so React and this module never write the same node.
 * On a moderator's page (cfg.moderator) hidden complaints carry a "Disembunyikan" mark and the detail
 * card ends with the moderation form, which posts to the moderation API (followup/api.py).
 */
(function (pantau) {
  const el = (...args) => pantau.dom.el(...args);
  const bi = (...args) => pantau.dom.bi(...args);

  function place(p) {
    if (p.kelurahan) return p.kelurahan + ', ' + p.kecamatan;
    return p.lon === null ? 'tanpa lokasi' : 'luar wilayah';
  }

  function categoryName(code, cfg) {
    const [nameId, nameEn] = cfg.categories[code] || [code, code];
    return bi(nameId, nameEn, {className: 'category-name'});
  }

  function statusName(status, cfg) {
    const [nameId, nameEn] = cfg.statuses[status] || [status, status];
    return bi(nameId, nameEn);
  }

  function swatch(colour) {
    return el('span', {className: 'swatch', style: {background: colour}});
  }

  /* A passed SLA deadline: words and a warning sign, never colour alone (colour-blind safe). */
  function lateBadge(breach, cfg) {
    const [labelId, labelEn] = cfg.breaches[breach] || [breach, breach];
    return bi(labelId, labelEn, {className: 'late-badge', 'data-breach': breach});
  }

  /* Hidden from the public by an operator: shown only on a moderator's page. */
  function hiddenBadge() {
    return bi('Disembunyikan', 'Hidden', {className: 'hidden-badge', title: 'Disembunyikan dari publik / Hidden from the public'});
  }

  function fill(id, ...children) {
    const box = document.getElementById(id);
    if (box) box.replaceChildren(...children);
  }

  function feedRow(p, cfg) {
    return el('li', {className: 'feed-row', 'data-complaint-id': p.id, title: 'Klik untuk rincian / click for details'}, [
      el('span', {className: 'feed-time'}, pantau.dom.clock(p.received_at)),
      el('span', {className: 'feed-main'}, [
        el('span', {className: 'feed-category'},
           [swatch(cfg.colours.category[p.category] || cfg.colours.fallback), categoryName(p.category, cfg)]),
        el('span', {className: 'feed-place'}, [swatch(cfg.colours.status[p.status] || cfg.colours.fallback),
                                                 statusName(p.status, cfg), ' · ' + place(p)]),
      ]),
      el('span', {className: 'feed-meta'}, [
        el('span', {className: 'feed-ticket'}, p.ticket),
        // A late complaint shows its badge where the channel was: the row keeps its size, the detail its channel.
        p.hidden ? hiddenBadge()
          : p.breach ? lateBadge(p.breach, cfg) : el('span', {className: 'feed-channel'}, cfg.channels[p.channel] || p.channel),
      ]),
    ]);
  }

  function escalationRow(e, cfg) {
    return el('li', {className: 'escalation-row', 'data-complaint-id': e.id, title: 'Klik untuk rincian / click for details'}, [
      el('span', {className: 'feed-time'}, pantau.dom.clock(e.at)),
      el('span', {className: 'feed-main'}, [
        el('span', {className: 'feed-category'}, [lateBadge(e.breach, cfg), categoryName(e.category, cfg)]),
        el('span', {className: 'feed-place'}, e.ticket + ' · ' + place(e) + ' · ' + e.skpd),
      ]),
    ]);
  }

  function channelRow(code, label, n, max) {
    return el('div', {className: 'channel-row', 'data-channel': code}, [
      el('span', {className: 'channel-label'}, label),
      el('span', {className: 'channel-bar'}, el('span', {className: 'channel-fill', style: {width: (100 * n / max) + '%'}})),
      el('span', {className: 'channel-count'}, n),
    ]);
  }

  /* Open complaints by SLA colour (crm/sla_state.py), each with its count and its name on hover. */
  function slaSplit(counts, cfg) {
    return Object.entries(cfg.sla_states).map(([state, [labelId, labelEn]]) =>
      el('span', {className: 'sla-count', 'data-sla': state, title: labelId + ' / ' + labelEn},
         [swatch(cfg.colours.sla[state]), pantau.dom.number(counts[state])]));
  }

  /* A lost connection is loud: a red bar over the KPI tiles (whose figures are now stale) and, by
   * pantau.css, a red frame in the gaps around the cards; never over the map. Shown the moment a
   * live connection drops, or when the first one has not come within CONNECT_GRACE_MS of the page
   * opening (a page that is still connecting is not lost). Built once per drop, so it does not
   * flicker at each repaint. */
  const CONNECT_GRACE_MS = 5000;
  const link = {wasConnected: false, lostAt: null, grace: null};

  function connection(connected) {
    const box = document.getElementById('cc-offline');
    if (connected) {
      link.wasConnected = true;
      link.lostAt = null;
      if (box && box.firstChild) box.replaceChildren();
      return;
    }
    if (link.lostAt === null) link.lostAt = Date.now();
    if (!link.wasConnected && Date.now() - link.lostAt < CONNECT_GRACE_MS) {
      if (link.grace === null) link.grace = setTimeout(() => { link.grace = null; connection(pantau.live.stats().connected); },
                                                       CONNECT_GRACE_MS);
      return;
    }
    if (!box || box.firstChild) return;
    const since = (lang) => pantau.dom.seconds(link.lostAt, lang);
    box.replaceChildren(el('div', {className: 'offline-bar', role: 'alert'}, [
      el('span', {className: 'offline-sign', 'aria-hidden': 'true'}, '⚠'),
      bi('TERPUTUS — menyambung ulang…', 'DISCONNECTED — reconnecting…', {className: 'offline-title'}),
      bi('Angka dan peta tidak diperbarui sejak ' + since('id') + ' WIB',
         'Figures and map not updated since ' + since('en') + ' WIB', {className: 'offline-since'}),
    ]));
  }

  function render(summary, cfg) {
    const k = summary.kpis;
    fill('kpi-today', pantau.dom.number(k.today));
    fill('kpi-open', pantau.dom.number(k.open));
    fill('kpi-open-sla', ...slaSplit(k.sla, cfg));
    fill('kpi-overdue', pantau.dom.number(k.overdue));
    fill('kpi-median', pantau.dom.duration(k.median_response_ms));
    fill('cc-feed', ...(summary.feed.length || !cfg.filtered ? summary.feed.map((p) => feedRow(p, cfg))
      : [el('li', {className: 'feed-none'}, bi('Tidak ada pengaduan yang cocok dengan saringan ini',
                                                'No complaint matches this filter'))]));
    fill('cc-escalations', ...(summary.escalations.length
      ? summary.escalations.map((e) => escalationRow(e, cfg))
      : [el('li', {className: 'escalation-none'}, bi('Belum ada batas SLA terlewati', 'No SLA deadline passed yet'))]));
    const max = Math.max(1, ...Object.values(k.channels));
    fill('cc-channels', ...Object.entries(cfg.channels).map(([code, label]) => channelRow(code, label, k.channels[code] || 0, max)));
    const at = (lang) => pantau.dom.seconds(summary.at, lang);
    fill('cc-updated', summary.connected
      ? bi('● Langsung · ' + at('id'), '● Live · ' + at('en'), {className: 'ok'})
      : bi('○ Terputus — menyambung ulang…', '○ Disconnected — reconnecting…', {className: 'bad'}));
    connection(summary.connected);
  }

  function detailBody(c, cfg) {
    const skpd = cfg.skpd[c.skpd] || (c.kelurahan && c.skpd.startsWith('KEL-') ? 'Kelurahan ' + c.kelurahan : c.skpd);
    const fact = (labelId, labelEn, value) => [el('dt', {}, bi(labelId, labelEn)), el('dd', {}, value)];
    const breaches = new Set(c.history.map((e) => cfg.breach_kinds[e.kind]).filter(Boolean));
    return [
      el('h3', {className: 'detail-ticket'}, c.ticket),
      el('div', {className: 'detail-status'}, [swatch(cfg.colours.status[c.status] || cfg.colours.fallback), statusName(c.status, cfg),
                                               ...Array.from(breaches, (b) => lateBadge(b, cfg)),
                                               ...(c.hidden ? [hiddenBadge()] : [])]),
      el('blockquote', {className: 'detail-text'}, c.text),
      ...(c.edited ? [el('p', {className: 'detail-original'}, [bi('Teks publik disunting; laporan asli: ', 'Public text edited; the report: '),
                                                                c.original_text])] : []),
      el('dl', {className: 'detail-facts'}, [
        ...fact('Kategori', 'Category', categoryName(c.category, cfg)),
        ...fact('Kelurahan', 'Kelurahan', c.kelurahan || place(c)),
        ...fact('Kecamatan', 'District', c.kecamatan || '—'),
        ...fact('Kota', 'City', c.kota || '—'),
        ...fact('SKPD', 'Agency', skpd + ' (' + c.skpd + ')'),
        ...fact('Diterima', 'Received', pantau.dom.dateTime(c.received_at)),
        ...fact('Kanal', 'Channel', cfg.channels[c.channel] || c.channel),
        ...(c.duplicate_of ? fact('Laporan ulang dari', 'Repeat of', '#' + c.duplicate_of) : []),
        ...(c.triage ? fact('Triase', 'Triage', c.triage) : []),
      ]),
      el('h4', {}, bi('Riwayat', 'History')),
      el('ol', {className: 'detail-history'}, c.history.map((e) => el('li', {}, [
        el('span', {className: 'history-time'}, pantau.dom.dateTime(e.at)),
        el('span', {className: 'history-status'}, statusName(e.status, cfg)),
        el('span', {className: 'history-actor'}, e.actor + (e.note ? ': ' + e.note : '')),
      ]))),
    ];
  }

  /* The moderation form under a moderator's detail card: hide or show again, or edit the public
   * text, always with a reason. The server checks everything again; its answer refills the card. */
  function moderationForm(c, cfg) {
    const m = cfg.moderation;
    const action = el('select', {id: 'cc-mod-action'}, [
      c.hidden ? el('option', {value: m.unhide}, 'Tampilkan lagi / Show again')
               : el('option', {value: m.hide}, 'Sembunyikan dari publik / Hide from the public'),
      el('option', {value: m.edit}, 'Sunting teks publik / Edit the public text'),
    ]);
    const text = el('textarea', {id: 'cc-mod-text', maxlength: m.max_text, rows: 4}, c.text);
    const textField = el('div', {className: 'mod-field'}, [el('label', {for: 'cc-mod-text'}, bi('Teks publik', 'Public text')), text]);
    const reason = el('input', {id: 'cc-mod-reason', type: 'text', maxlength: m.max_reason, required: 'required'});
    const form = el('form', {id: 'cc-moderation', className: 'moderation'}, [
      el('h4', {}, bi('Moderasi', 'Moderation')),
      el('div', {className: 'mod-field'}, [el('label', {for: 'cc-mod-action'}, bi('Tindakan', 'Action')), action]),
      textField,
      el('div', {className: 'mod-field'}, [el('label', {for: 'cc-mod-reason'}, bi('Alasan', 'Reason')), reason]),
      el('button', {type: 'submit', id: 'cc-mod-send'}, bi('Simpan', 'Save')),
      el('p', {id: 'cc-mod-message', role: 'status'}, detail.notice && detail.notice.id === c.id ? detail.notice.text : ''),
    ]);
    const showText = () => { textField.hidden = action.value !== m.edit; };
    action.addEventListener('change', showText);
    showText();
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      moderate(c.id, {action: action.value, reason: reason.value, text: action.value === m.edit ? text.value : undefined}, cfg);
    });
    return form;
  }

  async function moderate(id, body, cfg) {
    let notice;
    try {
      const answer = await fetch(cfg.detail_url + encodeURIComponent(id) + '/moderation', {
        method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
      const result = await answer.json();
      if (!answer.ok) throw new Error(result.error || 'HTTP ' + answer.status);
      notice = {id, text: bi('Tersimpan.', 'Saved.', {className: 'ok'})};
    } catch (err) {
      notice = {id, text: bi('Tidak tersimpan: ' + err.message, 'Not saved: ' + err.message, {className: 'bad'})};
    }
    detail.notice = notice;
    if (detail.id === id) await loadDetail(id, cfg);
  }

  const detail = {id: null, asked: 0, notice: null};  // the complaint in the card, the newest read, the last moderation's outcome

  function setDetailOpen(open) {
    const card = document.getElementById('cc-detail');
    if (card) card.classList.toggle('hidden', !open);
    if (!open) detail.id = null;
  }

  /* Details come from the public read API, so they are current and never carry contact. Only the
   * newest read fills the card: an older one may answer last, or be of another complaint. */
  async function loadDetail(id, cfg) {
    const asked = ++detail.asked;
    let body;
    try {
      const answer = await fetch(cfg.detail_url + encodeURIComponent(id));
      if (!answer.ok) throw new Error('HTTP ' + answer.status);
      const complaint = await answer.json();
      body = detailBody(complaint, cfg);
      if (cfg.moderator) body.push(moderationForm(complaint, cfg));
    } catch (err) {
      body = [bi('Rincian tidak dapat dimuat (' + err.message + ').', 'Details could not be loaded (' + err.message + ').')];
    }
    if (asked === detail.asked) fill('cc-detail-body', ...body);
  }

  function showDetail(id, cfg) {
    setDetailOpen(true);
    detail.id = id;
    detail.notice = null;
    fill('cc-detail-body', bi('Memuat…', 'Loading…'));
    return loadDetail(id, cfg);
  }

  /* `ids` changed: an open card of one of them is read again, in place, without "Memuat…". */
  function refreshDetail(ids, cfg) {
    if (ids.has(detail.id)) loadDetail(detail.id, cfg);
  }

  /* A complaint the page no longer shows (hidden from the public) closes its card. */
  function dropDetail(id) {
    if (detail.id === id) setDetailOpen(false);
  }

  function tooltip(p, cfg) {
    return [el('div', {className: 'tip-title'}, categoryName(p.category, cfg)),
            el('div', {}, [p.ticket + ' · ', statusName(p.status, cfg)]), el('div', {}, place(p)),
            el('div', {}, pantau.dom.dateTime(p.received_at))];
  }

  document.addEventListener('click', (event) => {
    if (!(event.target instanceof Element)) return;
    if (event.target.closest('#cc-detail-close')) setDetailOpen(false);
    const row = event.target.closest('[data-complaint-id]');
    if (row) pantau.live.select(Number(row.getAttribute('data-complaint-id')));
  });

  pantau.view = {render, showDetail, refreshDetail, dropDetail, tooltip};
})(window.pantau = window.pantau || {});
