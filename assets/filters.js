/* The command centre's filter bar writes the page's URL; the URL is the filter (dashboard/filter_bar.py).
 *
 * `search` is the Dash clientside callback from the controls: it pushes the new URL itself (keeping
 * its other parameters, such as the wall screen's `layar`) and hands the query to the page's
 * `refilter` callback (dashboard/pages/command_centre.py), which answers the new snapshot and map in
 * place: the page is not re-rendered, and the browser's Back re-reads the page of the URL before.
 * It answers no_update when nothing changed, so the first call after a load does nothing. `choose`
 * sets one filter from code (a click on a kelurahan's count on the map; benchmarks/page_scale.py).
 */
(function (pantau) {
  const NAMES = ['kota', 'kategori', 'status', 'kanal', 'sejak', 'q'];
  const SEVERAL = ['kategori', 'status', 'kanal'];  // multi-value dropdowns (dashboard/filter_bar.py CHOICES)

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

  /* Push `wanted` as the URL; it, for the refilter callback, or no_update when the URL has it already. */
  function go(wanted) {
    if (wanted === window.location.search) return window.dash_clientside.no_update;
    window.history.pushState({}, '', window.location.pathname + wanted);
    return wanted;
  }

  function search(...values) {
    return go(searchOf(Object.fromEntries(NAMES.map((name, i) => [name, values[i]]))));
  }

  /* A filter of the bar is set on its control (which calls `search`); a kelurahan (which has no
   * control) replaces the kota, and the kota's control is emptied. */
  function choose(name, value) {
    const set = window.dash_clientside.set_props;
    if (NAMES.includes(name)) {
      set('cc-filter-' + name, {value: SEVERAL.includes(name) ? [value] : value});
      return;
    }
    const values = {[name]: value};
    if (name === 'kelurahan') { values.kota = null; values.kecamatan = null; }
    const wanted = go(searchOf(values));
    if (wanted !== window.dash_clientside.no_update) set('cc-search', {data: wanted});
    if (name === 'kelurahan') set('cc-filter-kota', {value: null});
  }

  pantau.filters = {search, choose};
  window.dash_clientside = Object.assign({}, window.dash_clientside, {pantau_filters: {search}});
})(window.pantau = window.pantau || {});
