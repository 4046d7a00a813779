/* Place names on the command centre's map: the kota's at low zoom, each kelurahan's from
 * labels.kelurahan_zoom on (dashboard/map_places.py), written on a 2D canvas under the live layer.
 *
 * Why not a Scattermap text trace: MapLibre draws text from glyph files it fetches from the
 * internet (the white-bg style names fonts.openmaptiles.org), which an offline control room and the
 * page's CSP refuse, with an error in the console for each. A canvas uses the browser's own fonts,
 * and crossing the zoom threshold costs no WebGL repaint of thousands of points (Plotly.restyle
 * would). Names come from the figure (layout.meta.labels); a name that would overlap one already
 * written is left out, larger areas' first. Ink and halo come from CSS (--label-ink, --label-halo),
 * so the wall screen's dark theme is in pantau.css with the rest of it.
 */
(function (pantau) {
  const state = {map: null, canvas: null, drawn: [], level: null};

  function graphDiv() {
    return document.querySelector('#jakarta-map .js-plotly-plot');
  }

  function labelsOf(gd) {
    return gd && gd.layout && gd.layout.meta && gd.layout.meta.labels;
  }

  function style(name, fallback) {
    const value = getComputedStyle(state.canvas).getPropertyValue(name).trim();  // inherited from .cc-map-wrap
    return value || fallback;
  }

  function draw() {
    const map = state.map, labels = labelsOf(graphDiv());
    if (!map || !state.canvas || !labels) return;
    const canvas = state.canvas;
    const {ctx, width, height} = pantau.dom.fitCanvas(canvas, map.getContainer());
    const kelurahan = map.getZoom() >= labels.kelurahan_zoom;
    const size = parseFloat(getComputedStyle(canvas.closest('.cc-map-wrap') || canvas).fontSize) * (kelurahan ? 0.8 : 1.05);
    ctx.font = (kelurahan ? '600 ' : '700 ') + size + 'px system-ui, "Segoe UI", Roboto, "Noto Sans", sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    ctx.lineWidth = 3.5;
    ctx.strokeStyle = style('--label-halo', 'rgba(255, 255, 255, 0.9)');
    ctx.fillStyle = style('--label-ink', '#1b1f23');
    const taken = [];
    const drawn = [];
    for (const [lon, lat, name] of kelurahan ? labels.kelurahan : labels.kota) {
      const at = map.project([lon, lat]);
      const text = kelurahan ? name : name.toUpperCase();
      const half = ctx.measureText(text).width / 2 + 3, tall = size / 2 + 2;
      if (at.x + half < 0 || at.y + tall < 0 || at.x - half > width || at.y - tall > height) continue;
      const room = [at.x - half, at.y - tall, at.x + half, at.y + tall];
      if (taken.some((r) => r[0] < room[2] && room[0] < r[2] && r[1] < room[3] && room[1] < r[3])) continue;
      taken.push(room);
      ctx.strokeText(text, at.x, at.y);
      ctx.fillText(text, at.x, at.y);
      drawn.push(name);
    }
    state.drawn = drawn;
    state.level = kelurahan ? 'kelurahan' : 'kota';
  }

  /* Plotly may rebuild its map (a new figure): follow the current map object. The canvas goes
   * after MapLibre's own and before the live layer's (assets/overlay.js), which stays on top. */
  function follow() {
    const gd = graphDiv();
    const layout = gd && gd._fullLayout;
    const map = layout && layout.map && layout.map._subplot ? layout.map._subplot.map : null;
    if (!map || map === state.map) return;
    state.map = map;
    state.canvas = document.createElement('canvas');
    state.canvas.className = 'place-labels';
    const container = map.getCanvasContainer();
    container.insertBefore(state.canvas, container.querySelector('.live-overlay'));
    map.on('render', draw);
    map.on('resize', draw);
    draw();
  }

  setInterval(follow, 500);

  /* For tests: which names are written now, and at which level. */
  function inspect() {
    const attached = Boolean(state.map) && state.canvas.isConnected;
    return {attached, level: state.level, drawn: state.drawn.slice()};
  }

  pantau.labels = {inspect};
})(window.pantau = window.pantau || {});
