/* Small DOM builders and WIB formatting (crm/formats.py's) for the live boxes of the pages.
 *
 * Text goes in through textContent only, so a complaint's text can never become markup.
 * Labels are built in both languages (spans t-id / t-en, as dashboard/i18n.py does) and CSS
 * shows one, so the language toggle re-renders nothing.
 */
(function (pantau) {
  const WIB = 'Asia/Jakarta';
  const PARTS = new Intl.DateTimeFormat('en-GB', {timeZone: WIB, year: 'numeric', month: 'numeric', day: 'numeric',
                                                  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'});
  let tables = null;

  /* crm/formats.py's tables (month names, separators), carried by the page frame (dashboard/app.py
   * data-formats), so the browser writes dates and numbers exactly as the server's pages do. */
  function formats() {
    if (!tables) tables = JSON.parse(document.getElementById('pantau-root').dataset.formats);
    return tables;
  }

  function wib(when) {
    const out = {};
    for (const part of PARTS.formatToParts(new Date(when))) out[part.type] = part.value;
    return out;
  }

  /* "3 Des 2026" / "3 Dec 2026", in WIB. */
  function dayText(when, lang) {
    const p = wib(when);
    return Number(p.day) + ' ' + formats().months[lang][Number(p.month) - 1] + ' ' + p.year;
  }

  /* "02.21" / "02:21"; with seconds "02.21.05" / "02:21:05". */
  function clockText(when, lang, seconds) {
    const p = wib(when), sep = formats().clock[lang];
    return p.hour + sep + p.minute + (seconds ? sep + p.second : '');
  }

  /* "1.815" / "1,815"; `decimals` digits after the comma (point in English). */
  function numberText(n, lang, decimals) {
    const [whole, fraction] = Math.abs(n).toFixed(decimals || 0).split('.');
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, formats().thousands[lang]);
    return (n < 0 ? '-' : '') + grouped + (fraction ? formats().decimal[lang] + fraction : '');
  }

  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === 'className') node.className = value;
      else if (key === 'style') Object.assign(node.style, value);
      else node.setAttribute(key, value);
    }
    for (const child of [].concat(children === undefined ? [] : children)) {
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function bi(textId, textEn, props) {
    return el('span', props, [el('span', {className: 't-id', lang: 'id'}, textId),
                              el('span', {className: 't-en', lang: 'en'}, textEn)]);
  }

  function number(n) {
    return bi(numberText(n, 'id'), numberText(n, 'en'));
  }

  const both = (text) => (when) => bi(text(when, 'id'), text(when, 'en'));

  function duration(ms) {
    if (ms === null) return document.createTextNode('—');
    const minutes = Math.round(ms / 60000);
    if (minutes < 60) return bi(minutes + ' mnt', minutes + ' min');
    if (minutes < 48 * 60) {
      const hours = Math.floor(minutes / 60), rest = minutes % 60;
      return bi(hours + ' j ' + rest + ' mnt', hours + ' h ' + rest + ' min');
    }
    const days = Math.round(minutes / 144) / 10, decimals = Number.isInteger(days) ? 0 : 1;
    return bi(numberText(days, 'id', decimals) + ' hari', numberText(days, 'en', decimals) + ' days');
  }

  /* A canvas laid over `box` (the map's container), sized to it in device pixels and cleared: its
   * 2D context, drawing in CSS pixels, and the box's size. The map overlays (overlay.js, labels.js) share it. */
  function fitCanvas(canvas, box) {
    const width = box.clientWidth, height = box.clientHeight, dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = width + 'px';
      canvas.style.height = height + 'px';
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    return {ctx, width, height};
  }

  pantau.dom = {
    fitCanvas,
    el, bi, number, duration, numberText,
    seconds: (when, lang) => clockText(when, lang || 'id', true),
    clock: both((when, lang) => clockText(when, lang, false)),
    dateTime: both((when, lang) => dayText(when, lang) + ' ' + clockText(when, lang, false) + ' WIB'),
    day: (when, lang) => dayText(when, lang),
  };
})(window.pantau = window.pantau || {});
