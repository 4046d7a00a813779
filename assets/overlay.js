/* Live complaints drawn on a 2D canvas laid over the map that plotly's Scattermap draws.
 *
 * Why a canvas of our own: any change to the WebGL map (Plotly.extendTraces, or a MapLibre
 * source's setData) repaints every kelurahan and every one of thousands of points; in software
 * WebGL that takes most of a second. Drawing the few live points on a canvas above it costs
 * milliseconds, and the map below is left alone (benchmarks/map_add.py measures both).
 * The canvas follows the map on every MapLibre render (pan, zoom, resize). It reaches into
 * plotly's map subplot (gd._fullLayout.map._subplot.map): plotly is pinned below 8, and the
 * browser test checks that the overlay is attached.
 */
(function (pantau) {
  const RADIUS = 6.5;
  const PICK_PX = RADIUS + 5;
  const DUPLICATE_OF = 8;  // customdata column, dashboard/figures.py POINT_FIELDS
  const state = {cfg: null, points: [], clusters: new Map(), mode: 'category', map: null, canvas: null,
                 onPick: null, poll: null, gd: null, trace: null, settling: null, settled: null, picked: null};
  const bound = new WeakSet();  // plot divs listened to

  function graphDiv() {
    return document.querySelector('#jakarta-map .js-plotly-plot');
  }

  function mapOf(gd) {
    const layout = gd && gd._fullLayout;
    return layout && layout.map && layout.map._subplot ? layout.map._subplot.map : null;
  }

  function colour(point) {
    const colours = state.cfg.colours;
    return colours[state.mode][point[state.mode]] || colours.fallback;
  }

  function draw() {
    const map = state.map;
    if (!map || !state.canvas) return;
    const {ctx, width, height} = pantau.dom.fitCanvas(state.canvas, map.getContainer());
    for (const point of state.points) {
      const at = map.project([point.lon, point.lat]);
      if (at.x < -PICK_PX || at.y < -PICK_PX || at.x > width + PICK_PX || at.y > height + PICK_PX) continue;
      ctx.beginPath();
      ctx.arc(at.x, at.y, RADIUS, 0, 2 * Math.PI);
      ctx.fillStyle = colour(point);
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(at.x, at.y, RADIUS + 1.5, 0, 2 * Math.PI);
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = '#1b1f23';
      ctx.stroke();
    }
    drawClusters(ctx, map);
  }

  /* Repeats of one open complaint (crm/duplicates.py) make a cluster: a ring around the first
   * report with the number of reports, built from the snapshot's points and grown live. */
  function snapshotTrace() {
    const trace = state.gd && state.gd.data && state.gd.data[state.cfg.trace];
    return trace && trace.customdata ? trace : null;
  }

  function snapshotClusters() {
    const clusters = new Map();
    const trace = snapshotTrace();
    if (!trace) return clusters;
    const index = new Map(Array.from(trace.customdata, (c, i) => [c[0], i]));
    for (const c of trace.customdata) {
      const i = index.get(c[DUPLICATE_OF]);
      if (i === undefined) continue;
      const cluster = clusters.get(c[DUPLICATE_OF]) || {lon: trace.lon[i], lat: trace.lat[i], reports: 1};
      cluster.reports += 1;
      clusters.set(c[DUPLICATE_OF], cluster);
    }
    return clusters;
  }

  function whereIs(id) {
    const live = state.points.find((p) => p.id === id);
    if (live) return {lon: live.lon, lat: live.lat};
    const trace = snapshotTrace();
    const i = trace ? Array.from(trace.customdata, (c) => c[0]).indexOf(id) : -1;
    return i < 0 ? null : {lon: trace.lon[i], lat: trace.lat[i]};
  }

  function grow(payload) {
    const root = payload.duplicate_of;
    const cluster = state.clusters.get(root) || Object.assign({reports: 1}, whereIs(root));
    if (cluster.lon === undefined) return;  // its first report is not on this map
    cluster.reports += 1;
    state.clusters.set(root, cluster);
  }

  function drawClusters(ctx, map) {
    ctx.font = 'bold 12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const cluster of state.clusters.values()) {
      const at = map.project([cluster.lon, cluster.lat]);
      const radius = RADIUS + 5 + 2 * Math.sqrt(cluster.reports);
      ctx.beginPath();
      ctx.arc(at.x, at.y, radius, 0, 2 * Math.PI);
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = '#1b1f23';
      ctx.stroke();
      const bx = at.x + radius * 0.75, by = at.y - radius * 0.75;
      ctx.beginPath();
      ctx.arc(bx, by, 9, 0, 2 * Math.PI);
      ctx.fillStyle = '#1b1f23';
      ctx.fill();
      ctx.fillStyle = '#ffffff';
      ctx.fillText(String(cluster.reports), bx, by + 0.5);
    }
  }

  /* The live point under the pointer, newest first, or null. Projected now, not read from the
   * last repaint: a point added (or a camera moved) since then is where the map says it is. */
  function pointAt(at) {
    for (let i = state.points.length - 1; i >= 0; i -= 1) {
      const p = state.points[i];
      const there = state.map.project([p.lon, p.lat]);
      if (Math.hypot(there.x - at.x, there.y - at.y) <= PICK_PX) return p;
    }
    return null;
  }

  /* One tooltip: over a live point the live layer's, and Plotly's hover label (of the kelurahan, or
   * of an older dot under the live one) is hidden (pantau.css `.live-hover`). */
  function showTooltip(at) {
    const tip = document.getElementById('cc-tooltip');
    if (!tip) return;
    const point = pointAt(at);
    tip.parentElement.classList.toggle('live-hover', Boolean(point));
    if (!point) {
      tip.className = 'tooltip hidden';
      return;
    }
    const wrap = tip.parentElement.getBoundingClientRect();
    const box = state.map.getContainer().getBoundingClientRect();
    tip.replaceChildren(...pantau.view.tooltip(point.payload, state.cfg));
    tip.style.left = (box.left - wrap.left + at.x + 14) + 'px';
    tip.style.top = (box.top - wrap.top + at.y + 14) + 'px';
    tip.className = 'tooltip';
    state.map.getCanvas().style.cursor = 'pointer';
  }

  function attach(map) {
    state.map = map;
    state.canvas = document.createElement('canvas');
    state.canvas.className = 'live-overlay';
    map.getCanvasContainer().appendChild(state.canvas);
    map.on('render', draw);
    map.on('resize', draw);
    map.on('click', (event) => {
      const point = pointAt(event.point);
      if (point) pick(event.originalEvent, point.id);
    });
    map.on('mousemove', (event) => showTooltip(event.point));
    map.on('mouseout', () => showTooltip({x: -1e6, y: -1e6}));
    draw();
  }

  /* A click opens the complaint of the dot drawn on top, by its id: a live point if one is under the
   * pointer, else the snapshot dot Plotly reports. Plotly's click and the map's are two listeners of
   * one mouse event, in no set order; the first to pick for that event decides, so a live point is
   * never overruled by the older dot beneath it. */
  function pick(mouseEvent, id) {
    if (mouseEvent && state.picked === mouseEvent) return;
    state.picked = mouseEvent;
    if (state.onPick) state.onPick(id);
  }

  function plotlyClick(data) {
    const map = state.map;
    const event = data && data.event;
    const point = data && data.points && data.points[0];
    if (map && event) {
      const box = map.getCanvas().getBoundingClientRect();
      const live = pointAt({x: event.clientX - box.left, y: event.clientY - box.top});
      if (live) return pick(event, live.id);
    }
    if (point && point.curveNumber === state.cfg.trace && point.customdata) pick(event, point.customdata[0]);
    // A map of counts (dashboard/figures.py draws_counts): the kelurahan clicked narrows the page to it.
    else if (point && state.cfg.counts && point.curveNumber === 0 && point.location) {
      pantau.filters.choose('kelurahan', point.location);
    }
  }

  /* Plotly may rebuild its map (a new page) or plot new data on it (a new filter, in place): follow
   * the current map object and snapshot trace, listening to each plot div once. Map settings (fit,
   * colours, language) are applied after plotly's own plot is done, or it undoes them. */
  function follow() {
    const gd = graphDiv();
    const map = mapOf(gd);
    if (map && map !== state.map) attach(map);
    if (gd && gd.on && !bound.has(gd)) {
      bound.add(gd);
      gd.on('plotly_afterplot', afterPlot);
      gd.on('plotly_click', plotlyClick);
    }
    state.gd = gd;
    const trace = snapshotTrace();
    if (trace !== state.trace) {  // a new figure's: Plotly.restyle (dropSnapshotDot) keeps the trace object
      state.trace = trace;
      state.clusters = snapshotClusters();
    }
  }

  function afterPlot() {
    follow();
    const map = state.map;
    if (map && map !== state.settling) {
      state.settling = map;
      Promise.resolve(pantau.mapSettings.sync(map)).then(() => { state.settled = map; });
    }
  }

  function init(cfg, onPick) {
    state.cfg = cfg;
    state.onPick = onPick;
    state.points = [];
    state.trace = null;  // a fresh snapshot: its clusters are read again from its figure
    if (state.poll === null) state.poll = setInterval(follow, 500);
    follow();
  }

  const pointOf = (payload) => ({id: payload.id, lon: payload.lon, lat: payload.lat, category: payload.category,
                                 status: payload.status, sla: payload.sla, payload: payload});

  function add(payload) {
    if (payload.lon === null || payload.lat === null) return;
    if (payload.duplicate_of !== null && payload.duplicate_of !== undefined) grow(payload);
    state.points.push(pointOf(payload));
  }

  /* A complaint changed (its status, perhaps its holder). A live point takes the new state. One
   * drawn only by the snapshot trace becomes a live point too, drawn above its old dot and hiding
   * it: recolouring the trace would repaint the whole WebGL map (see above) for every change. */
  function update(payload) {
    const point = state.points.find((p) => p.id === payload.id);
    if (point) Object.assign(point, pointOf(payload));
    else if (payload.lon !== null && payload.lat !== null) state.points.push(pointOf(payload));
  }

  /* A complaint hidden from the public leaves the map: its live point, and its dot in the snapshot
   * trace (hiding is rare). */
  function remove(id) {
    state.points = state.points.filter((p) => p.id !== id);
    dropSnapshotDot(id);
    draw();
  }

  /* A complaint an operator corrected may have moved: its snapshot dot is taken off the trace and
   * its live point drawn where it is now (at the pace of an operator's corrections, never per event). */
  function move(payload) {
    update(payload);
    dropSnapshotDot(payload.id, payload);
  }

  /* Take complaint `id`'s dot off the snapshot trace (one restyle: a full repaint of the WebGL map),
   * unless it already stands at `at`'s point. */
  function dropSnapshotDot(id, at = null) {
    const trace = snapshotTrace();
    const i = trace ? Array.from(trace.customdata, (c) => c[0]).indexOf(id) : -1;
    if (i < 0 || (at !== null && trace.lon[i] === at.lon && trace.lat[i] === at.lat)) return;
    const lon = Array.from(trace.lon), lat = Array.from(trace.lat);
    lon[i] = null;
    lat[i] = null;
    window.Plotly.restyle(state.gd, {lon: [lon], lat: [lat]}, [state.cfg.trace]);
  }

  function setMode(mode) {
    state.mode = mode;
    draw();
  }

  /* For tests and benchmarks: what the overlay holds and in which colours, whether it sits on the current map and
   * whether that map has had its settings (fit, colours, language) applied. */
  function inspect() {
    const map = mapOf(graphDiv());
    const attached = Boolean(map) && map === state.map && state.canvas.isConnected;
    return {attached, settled: attached && state.settled === map, ids: state.points.map((p) => p.id), mode: state.mode,
            colours: Object.fromEntries(state.points.map((p) => [p.id, colour(p)])),
            clusters: Object.fromEntries(Array.from(state.clusters, ([id, c]) => [id, c.reports]))};
  }

  pantau.overlay = {init, add, update, move, remove, draw, setMode, inspect, graphDiv};
})(window.pantau = window.pantau || {});
