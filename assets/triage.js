/* The triage page's map (/triase): a click anywhere on it picks the complaint's point.
 *
 * Plotly's map reports clicks on its traces' points only, so the click is read from the MapLibre
 * map that plotly's map subplot holds (as assets/overlay.js does: plotly is pinned below 8) and
 * handed to Dash as the `triage-point` store; the page then shows where the point falls.
 */
(function () {
  let attached = null;

  function follow() {
    const gd = document.querySelector('#triage-map .js-plotly-plot');
    const layout = gd && gd._fullLayout;
    const map = layout && layout.map && layout.map._subplot ? layout.map._subplot.map : null;
    if (!map || map === attached) return;
    attached = map;
    map.getCanvas().style.cursor = 'crosshair';
    map.on('click', (event) => {
      window.dash_clientside.set_props('triage-point', {data: {lon: event.lngLat.lng, lat: event.lngLat.lat}});
    });
  }

  setInterval(follow, 500);
})();
