/* The Dash clientside callbacks of the frame and the command centre: toggles and start-up.
 *
 * The map figure is built coloured by category with Indonesian hover text; the toggles ask for
 * other settings, applied to plotly's trace once the map exists and again if plotly rebuilds it.
 * A new map is also fitted to mainland Jakarta, so it fills its box on a wall screen or a laptop.
 */
(function (pantau) {
  const FIGURE_DEFAULTS = {mode: 'category', lang: 'id'};
  const map = {wanted: Object.assign({}, FIGURE_DEFAULTS), applied: Object.assign({}, FIGURE_DEFAULTS), cfg: null};

  /* `newMap`: the MapLibre map plotly has just built, or null when only a toggle moved.
   * Returns plotly's promise when it changed anything, so a caller can wait for the new view. */
  function syncMap(newMap) {
    const cfg = map.cfg;
    const gd = pantau.overlay.graphDiv();
    const trace = cfg && gd && gd.data && gd.data[cfg.trace];
    if (!trace) return;
    const layout = {};
    if (newMap) {
      map.applied = Object.assign({}, FIGURE_DEFAULTS);
      const camera = newMap.cameraForBounds(cfg.fit_bounds, {padding: 12});
      if (camera) {
        layout['map.center'] = {lon: camera.center.lng, lat: camera.center.lat};
        layout['map.zoom'] = camera.zoom;
      }
    }
    const update = {};
    if (map.wanted.mode !== map.applied.mode) {
      const column = cfg.colour_columns[map.wanted.mode];  // dashboard/figures.py POINT_FIELDS
      const colours = cfg.colours[map.wanted.mode];
      update['marker.color'] = [(trace.customdata || []).map((c) => colours[c[column]] || cfg.colours.fallback)];
    }
    if (map.wanted.lang !== map.applied.lang) update.hovertemplate = cfg.hover[map.wanted.lang];
    if (Object.keys(update).length === 0 && Object.keys(layout).length === 0) return;
    map.applied = Object.assign({}, map.wanted);
    return window.Plotly.update(gd, update, layout, [cfg.trace]);  // one repaint for all of it
  }

  pantau.mapSettings = {sync: syncMap};

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    pantau: {
      start(snapshot, cfg, lang) {
        map.cfg = cfg;
        map.wanted.lang = lang === 'en' ? 'en' : 'id';
        pantau.live.start(snapshot, cfg);
        return true;
      },

      colour_by(mode) {
        map.wanted.mode = mode;
        pantau.overlay.setMode(mode);
        syncMap(null);
        return 'legend colour-by-' + mode;
      },

      /* The legend folded or open (dashboard/components.py legend_card); its store is in localStorage. */
      toggle_legend: (_clicks, open) => open === false,

      legend_open: (open) => [open === false ? 'legend-panel collapsed' : 'legend-panel', String(open !== false)],

      map_language(lang) {
        map.wanted.lang = lang === 'en' ? 'en' : 'id';
        syncMap(null);
      },

      pick_language() {
        return window.dash_clientside.callback_context.triggered_id === 'lang-en' ? 'en' : 'id';
      },

      root_class: (lang) => 'pantau lang-' + (lang === 'en' ? 'en' : 'id'),

      clock(_n, lang) {
        const now = Date.now(), chosen = lang === 'en' ? 'en' : 'id';
        return pantau.dom.day(now, chosen) + ' · ' + pantau.dom.seconds(now, chosen) + ' WIB';
      },
    },
  });
})(window.pantau = window.pantau || {});
