/* The ranking table (/peringkat, and one unit's /peringkat/<kode>): one renderer for the first paint
 * and every live change, fed by GET /api/v1/ranking.
 *
 * The layout hands over the page's query and labels (dashboard/ranking_table.py); the server renders
 * the header, this renders the rows in the same column order. live/ranking.py emits
 * `ranking_changed` to the city room at most every 0.25 s after the ranking moved; each signal (and
 * each (re)connect, after which a signal may have been missed) fetches the table again with the
 * page's current query. The first paint does not wait for the socket. Fetches never overlap: signals during one ask for one more after it, so a
 * burst costs two fetches. A reply to a query the page no longer shows is dropped.
 *
 * The socket is this module's own, opened the first time a ranking page starts and kept while the
 * tab lives: live.js opens its socket only on the command centre. The server joins every socket to
 * the city room on connect, which is all this needs. Text goes in through pantau.dom (textContent
 * only), in both languages.
 */
(function (pantau) {
  const TABLE = 'rk-table', ROWS = 'rk-rows', STATUS = 'rk-status';
  const SVG = 'http://www.w3.org/2000/svg';
  const SPARK = {width: 84, height: 22, pad: 2};
  const state = {cfg: null, socket: null, connected: false, busy: false, again: false, fetches: 0, renders: 0,
                 version: null, failed: false, generatedAt: null};

  const el = (...args) => pantau.dom.el(...args);
  const bi = (...args) => pantau.dom.bi(...args);

  /* A number in both languages' notation, with `digits` decimals (0 or 1); '—' for none. */
  function num(value, digits) {
    if (value === null || value === undefined) return '—';
    return bi(pantau.dom.numberText(value, 'id', digits), pantau.dom.numberText(value, 'en', digits));
  }

  const percent = (share) => Math.round(share * 100) + '%';

  function rankCell(row) {
    const cell = el('td', {className: 'rk-rank'});
    if (!row.eligible) {
      cell.append(bi('–', '–', {className: 'rk-rank-none', title: 'Belum cukup data / Not enough data'}));
      return cell;
    }
    cell.append(el('span', {className: 'rk-rank-n'}, String(row.rank)));
    const moved = row.movement;
    if (moved > 0) {
      cell.append(el('span', {className: 'rk-move rk-up', title: `Naik ${moved} sejak kemarin / Up ${moved} since yesterday`},
                     '▲ ' + moved));
    } else if (moved < 0) {
      cell.append(el('span', {className: 'rk-move rk-down',
                              title: `Turun ${-moved} sejak kemarin / Down ${-moved} since yesterday`}, '▼ ' + -moved));
    } else {
      const title = moved === 0 ? 'Tetap sejak kemarin / Same as yesterday' : 'Kemarin belum berperingkat / Not ranked yesterday';
      cell.append(el('span', {className: 'rk-move rk-same', title}, '–'));
    }
    return cell;
  }

  function nameCell(row, data) {
    const linked = data.level === 'skpd' && !state.cfg.only;
    const name = linked
      ? el('a', {href: state.cfg.detail_path + encodeURIComponent(row.code) + '?window=' + encodeURIComponent(data.window)},
           row.name)
      : el('span', {}, row.name);
    return el('td', {className: 'rk-name'}, [name, el('span', {className: 'rk-code'}, row.code)]);
  }

  function componentCell(name, c) {
    const raw = c.rate === null ? '—' : percent(c.rate);
    const title = `Disesuaikan ${percent(c.shrunk)}; mentah ${raw} dari ${c.n} / Adjusted ${percent(c.shrunk)}; raw ${raw} of ${c.n}`;
    const share = Math.round(c.shrunk * 100);
    return el('td', {className: 'rk-comp', 'data-component': name, title,
                     style: {backgroundImage: `linear-gradient(to right, var(--rk-share) ${share}%, transparent ${share}%)`}},
              percent(c.shrunk));
  }

  function backlogCell(row) {
    return el('td', {className: 'rk-backlog'}, [
      el('span', {}, String(row.backlog)), ' / ',
      el('span', {className: row.overdue > 0 ? 'rk-overdue' : ''}, String(row.overdue)),
    ]);
  }

  /* Scores of the last days as an SVG line on a fixed 0–100 scale, so rows compare; gaps where no data. */
  function sparkline(trend) {
    const {width, height, pad} = SPARK;
    const x = (i) => (trend.length > 1 ? pad + (i * (width - 2 * pad)) / (trend.length - 1) : width / 2);
    const y = (v) => height - pad - (v / 100) * (height - 2 * pad);
    const svg = document.createElementNS(SVG, 'svg');
    for (const [key, value] of Object.entries({viewBox: `0 0 ${width} ${height}`, width, height, class: 'rk-spark'})) {
      svg.setAttribute(key, value);
    }
    const known = trend.map((v, i) => [v, i]).filter(([v]) => v !== null);
    const title = document.createElementNS(SVG, 'title');
    title.textContent = known.length
      ? `Skor per hari / Daily score: ${known.map(([v]) => Math.round(v)).join(' → ')}`
      : 'Belum ada data / No data yet';
    svg.append(title);
    let run = [];
    const flushRun = () => {
      if (run.length > 1) {
        const line = document.createElementNS(SVG, 'polyline');
        line.setAttribute('points', run.join(' '));
        svg.append(line);
      }
      run = [];
    };
    trend.forEach((v, i) => (v === null ? flushRun() : run.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`)));
    flushRun();
    if (known.length) {
      const [v, i] = known[known.length - 1];
      const dot = document.createElementNS(SVG, 'circle');
      for (const [key, value] of Object.entries({cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 2})) {
        dot.setAttribute(key, value);
      }
      svg.append(dot);
    }
    return el('td', {className: 'rk-trend'}, svg);
  }

  function flagsCell(flags) {
    const badges = Object.entries(flags).map(([name, count]) => {
      const [labelId, labelEn] = state.cfg.flags[name] || [name, name];
      return el('span', {className: 'rk-flag', 'data-flag': name}, [
        el('span', {className: 'rk-flag-sign', 'aria-hidden': 'true'}, '⚑ '), bi(labelId, labelEn), ' ×' + count]);
    });
    return el('td', {className: 'rk-flags'}, badges);
  }

  function rowOf(row, data) {
    return el('tr', {'data-code': row.code, className: row.eligible ? 'rk-ranked' : 'rk-unranked'}, [
      rankCell(row),
      nameCell(row, data),
      el('td', {className: 'rk-score'}, row.score === null ? bi('belum dinilai', 'not judged yet') : num(row.score, 1)),
      ...state.cfg.components.map((name) => componentCell(name, row.components[name])),
      el('td', {className: 'rk-volume'}, String(row.volume)),
      el('td', {className: 'rk-hours'}, num(row.response_hours_mean, 1)),
      el('td', {className: 'rk-hours'}, num(row.completion_hours_mean, 1)),
      backlogCell(row),
      sparkline(row.trend),
      flagsCell(row.flags),
    ]);
  }

  function wideRow(className, children) {
    const columns = document.querySelectorAll(`#${TABLE} thead th`).length;
    return el('tr', {className}, el('td', {colSpan: columns}, children));
  }

  function render(data) {
    const body = document.getElementById(ROWS);
    if (!body) return;
    const rows = state.cfg.only ? data.rows.filter((row) => row.code === state.cfg.only) : data.rows;
    const out = [];
    rows.forEach((row, i) => {
      if (!row.eligible && (i === 0 || rows[i - 1].eligible)) {
        const min = data.formula.min_volume;
        out.push(wideRow('rk-divider', bi(
          `Belum cukup data: kurang dari ${min} pengaduan dinilai dalam jangka ini, jadi belum diberi peringkat`,
          `Not enough data: fewer than ${min} complaints judged in this window, so not ranked yet`)));
      }
      out.push(rowOf(row, data));
    });
    if (!out.length) {
      out.push(wideRow('rk-empty', bi('Belum ada data untuk pilihan ini.', 'No data for this choice yet.')));
    }
    body.replaceChildren(...out);
    state.renders += 1;
    state.version = data.version;
    state.generatedAt = data.generated_at;
    showStatus();
  }

  function showStatus() {
    const box = document.getElementById(STATUS);
    if (!box) return;
    const parts = [state.connected ? bi('● Langsung', '● Live') : bi('○ Terputus', '○ Disconnected')];
    if (state.generatedAt) {
      const at = (lang) => pantau.dom.seconds(state.generatedAt, lang) + ' WIB';
      parts.push(' · ', bi('Diperbarui ' + at('id'), 'Updated ' + at('en')));
    }
    if (state.failed) parts.push(' · ', bi('Gagal memuat; dicoba lagi pada perubahan berikutnya',
                                           'Could not load; retried at the next change'));
    box.className = 'rk-status' + (state.connected ? ' rk-live' : '');
    box.replaceChildren(...parts);
  }

  function refresh() {
    if (!document.getElementById(TABLE)) return;  // another page is open
    if (state.busy) {
      state.again = true;
      return;
    }
    state.busy = true;
    state.fetches += 1;
    const query = state.cfg.query;
    fetch('/api/v1/ranking?' + query, {cache: 'no-store'})
      .then((answer) => (answer.ok ? answer.json() : Promise.reject(new Error(answer.status))))
      .then((data) => {
        state.failed = false;
        if (state.cfg.query === query) render(data);
      })
      .catch(() => {
        state.failed = true;
        showStatus();
      })
      .finally(() => {
        state.busy = false;
        if (state.again) {
          state.again = false;
          refresh();
        }
      });
  }

  function connect() {
    const socket = window.io({transports: ['websocket']});
    socket.on('connect', () => {
      state.connected = true;
      refresh();  // a change may have come while disconnected
    });
    socket.on('disconnect', () => {
      state.connected = false;
      showStatus();
    });
    socket.on(state.cfg.event, refresh);
    return socket;
  }

  /* Called with each layout of a ranking page (a new query is a new layout). */
  function start(cfg) {
    state.cfg = cfg;
    state.generatedAt = null;
    if (state.socket === null) state.socket = connect();
    refresh();
    showStatus();
    return true;
  }

  /* For tests. */
  function stats() {
    return {connected: state.connected, fetches: state.fetches, renders: state.renders, version: state.version};
  }

  pantau.ranking = {stats};
  window.dash_clientside = Object.assign({}, window.dash_clientside, {pantau_ranking: {start}});
})(window.pantau = window.pantau || {});
