/* Small DOM builders and WIB formatting for the live boxes of the command centre.
 *
 * Text goes in through textContent only, so a complaint's text can never become markup.
 * Labels are built in both languages (spans t-id / t-en, as dashboard/i18n.py does) and CSS
 * shows one, so the language toggle re-renders nothing.
 */
(function (pantau) {
  const WIB = 'Asia/Jakarta';
  const CLOCK = {hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: WIB};
  const TIME = new Intl.DateTimeFormat('en-GB', CLOCK);
  const SECONDS = new Intl.DateTimeFormat('en-GB', Object.assign({second: '2-digit'}, CLOCK));
  const DATE_TIME = new Intl.DateTimeFormat('en-GB', Object.assign({day: '2-digit', month: '2-digit', year: 'numeric'}, CLOCK));
  const DAY = {
    id: new Intl.DateTimeFormat('id-ID', {timeZone: WIB, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric'}),
    en: new Intl.DateTimeFormat('en-GB', {timeZone: WIB, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric'}),
  };
  const NUMBER = {id: new Intl.NumberFormat('id-ID'), en: new Intl.NumberFormat('en-GB')};

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
    return bi(NUMBER.id.format(n), NUMBER.en.format(n));
  }

  function duration(ms) {
    if (ms === null) return document.createTextNode('—');
    const minutes = Math.round(ms / 60000);
    if (minutes < 60) return bi(minutes + ' mnt', minutes + ' min');
    if (minutes < 48 * 60) {
      const hours = Math.floor(minutes / 60), rest = minutes % 60;
      return bi(hours + ' j ' + rest + ' mnt', hours + ' h ' + rest + ' min');
    }
    const days = Math.round(minutes / 144) / 10;
    return bi(NUMBER.id.format(days) + ' hari', NUMBER.en.format(days) + ' days');
  }

  pantau.dom = {
    el, bi, number, duration,
    time: (when) => TIME.format(new Date(when)),
    seconds: (when) => SECONDS.format(new Date(when)),
    dateTime: (when) => DATE_TIME.format(new Date(when)).replace(',', '') + ' WIB',
    day: (when, lang) => DAY[lang].format(new Date(when)),
  };
})(window.pantau = window.pantau || {});
