/* The command centre's filter bar writes the page's URL; the URL is the filter (dashboard/filter_bar.py).
 *
 * `search` is the Dash clientside callback from the controls to the page's dcc.Location: it keeps
 * the URL's other parameters (the wall screen's `layar`) and answers no_update when nothing
 * changed, so the first call after a load does not navigate. `choose` sets one filter from code
 * (a click on a kelurahan's count on the map; benchmarks/page_scale.py) the way a link would.
 */
(function (pantau) {
  const NAMES = ['kota', 'kategori', 'status', 'kanal', 'sejak', 'q'];

  function joined(value) {
    if (Array.isArray(value)) return value.join(',');
    return value === null || value === undefined ? '' : String(value).trim();
  }

  function searchOf(values) {
    const params = new URLSearchParams(window.location.search);
    for (const [name, value] of Object.entries(values)) {
      const text = joined(value);
      if (text) params.set(name, text); else params.delete(name);
    }
    const text = params.toString();
    return text ? '?' + text : '';
  }

  function search(...values) {
    const wanted = searchOf(Object.fromEntries(NAMES.map((name, i) => [name, values[i]])));
    return wanted === window.location.search ? window.dash_clientside.no_update : wanted;
  }

  /* Navigate as dcc.Link does: push the URL and let Dash's pages router re-read the page. */
  function choose(name, value) {
    const values = {[name]: value};
    if (name === 'kelurahan') { values.kota = null; values.kecamatan = null; }
    window.history.pushState({}, '', window.location.pathname + searchOf(values));
    window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));
  }

  pantau.filters = {search, choose};
  window.dash_clientside = Object.assign({}, window.dash_clientside, {pantau_filters: {search}});
})(window.pantau = window.pantau || {});
