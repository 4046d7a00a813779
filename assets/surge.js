/* The surge banner of the command centre: one line per kelurahan x category surge (crm/surge.py),
 * newest on top, stacked over the foot of the map.
 *
 * The layout hands over the surges announced within the current episode (a reload repairs anything
 * missed); after that each `surge_detected` arrives on live.js's socket (pantau.live.on), replays
 * after a reconnect included. A surge is known by its payload's `key`, so one seen twice shows once.
 * Each line can be dismissed; dismissals are kept in localStorage, so reloading the wall screen
 * does not bring them back. A line leaves by itself when its episode is over, as after a reload.
 * Text goes in through pantau.dom (textContent only), in both languages.
 */
(function (pantau) {
  const DISMISSED = 'pantau.surges.dismissed';
  /* At most one decimal, none when it is whole: "12", "0,2" (crm/formats.py's notation, assets/dom.js). */
  const NUMBER = Object.fromEntries(['id', 'en'].map((lang) => [lang, {format(value) {
    const rounded = Math.round(value * 10) / 10;
    return pantau.dom.numberText(rounded, lang, Number.isInteger(rounded) ? 0 : 1);
  }}]));
  const state = {cfg: null, episodeMs: 0, surges: new Map(), dismissed: new Set(), listening: false, ticker: null};

  function readDismissed() {
    try {
      return new Set(JSON.parse(window.localStorage.getItem(DISMISSED)) || []);
    } catch (error) {
      return new Set();  // unreadable: show everything again rather than fail
    }
  }

  function saveDismissed() {
    window.localStorage.setItem(DISMISSED, JSON.stringify([...state.dismissed]));
  }

  /* "biasanya 0,2": a tiny but non-zero expectation reads "<0,1", not a misleading 0. */
  function usual(expected, lang) {
    const shown = NUMBER[lang].format(expected);
    return expected > 0 && NUMBER[lang].format(0) === shown ? '<' + NUMBER[lang].format(0.1) : shown;
  }

  function line(s) {
    const [nameId, nameEn] = state.cfg.categories[s.category] || [s.category, s.category];
    const place = 'Kel. ' + s.kelurahan + ' (' + s.kecamatan + ')';
    const count = (lang) => NUMBER[lang].format(s.recent);
    const hours = (lang) => NUMBER[lang].format(s.recent_hours);
    const close = pantau.dom.el('button', {className: 'surge-close', type: 'button', title: 'Tutup / Dismiss',
                                           'aria-label': 'Tutup / Dismiss'}, '×');
    close.addEventListener('click', () => dismiss(s.key));
    return pantau.dom.el('div', {className: 'surge', 'data-surge-key': s.key, 'data-category': s.category}, [
      pantau.dom.el('span', {className: 'surge-sign', 'aria-hidden': 'true'}, '⚠'),
      pantau.dom.bi(
        'Lonjakan ' + nameId.toLowerCase() + ' di ' + place + ': ' + count('id') + ' laporan dalam ' + hours('id') +
          ' jam, biasanya ' + usual(s.expected, 'id'),
        nameEn + ' surge in ' + place + ': ' + count('en') + ' reports in ' + hours('en') + ' hours, usually ' +
          usual(s.expected, 'en'),
        {className: 'surge-text'}),
      pantau.dom.el('span', {className: 'surge-time'}, [pantau.dom.clock(s.detected_at), ' WIB']),
      close,
    ]);
  }

  function render() {
    const box = document.getElementById('cc-surges');
    if (!box) return;  // another page is open; the command centre's next layout brings the surges
    const now = Date.now();
    const shown = [...state.surges.values()]
      .filter((s) => !state.dismissed.has(s.key) && now - Date.parse(s.detected_at) < state.episodeMs)
      .sort((a, b) => Date.parse(b.detected_at) - Date.parse(a.detected_at));
    box.replaceChildren(...shown.map(line));
  }

  function add(payload) {
    if (state.surges.has(payload.key)) return;
    state.surges.set(payload.key, payload);
    render();
  }

  function dismiss(key) {
    state.dismissed.add(key);
    saveDismissed();
    render();
  }

  /* Called with each layout of the command centre; the socket listener and the ticker are set up once. */
  function start(data, cfg) {
    state.cfg = cfg;
    state.episodeMs = data.episode_ms;
    state.surges = new Map(data.active.map((s) => [s.key, s]));
    state.dismissed = new Set([...readDismissed()].filter((key) => state.surges.has(key)));  // forget ended ones
    saveDismissed();
    if (!state.listening) {
      pantau.live.on(data.event, add);
      state.listening = true;
    }
    if (state.ticker === null) state.ticker = setInterval(render, 60000);  // episodes end with the clock
    render();
    return true;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {pantau_surge: {start}});
})(window.pantau = window.pantau || {});
