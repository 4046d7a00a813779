/* The KPI tiles and the channel mix, counted from one row per complaint on the page.
 *
 * Rows come from dashboard/kpis.py (the snapshot) and from `row` here (live complaints and status
 * changes): [id, received_ms, channel, status, response_ms | null, overdue_at_ms]. Windows, the overdue rule
 * and the WIB offset come from dashboard/client.py, so counting here decides nothing of its own. Counting in
 * the browser lets the tiles follow the clock (midnight WIB, a complaint turning overdue).
 */
(function (pantau) {
  const DAY_MS = 24 * 3600 * 1000;

  function median(values) {
    if (values.length === 0) return null;
    const sorted = values.slice().sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /* Start of today in WIB, as epoch ms. */
  function wibDayStart(now, offsetMs) {
    return Math.floor((now + offsetMs) / DAY_MS) * DAY_MS - offsetMs;
  }

  /* The row dashboard/kpis.py kpi_row makes, so a live complaint counts as it will after a reload:
   * its response is the time to the first step of its history that is not Menunggu, and it is
   * overdue after its completion deadline, or overdue_after_ms after receipt without one. */
  function row(c, cfg) {
    const received = Date.parse(c.received_at);
    const acted = c.history.find((event) => event.status !== cfg.waiting);
    const overdueAt = c.completion_due ? Date.parse(c.completion_due) : received + cfg.overdue_after_ms;
    return [c.id, received, c.channel, c.status, acted ? Date.parse(acted.at) - received : null, overdueAt];
  }

  function summarise(rows, now, cfg) {
    const dayStart = wibDayStart(now, cfg.wib_offset_ms);
    const windowStart = now - cfg.window_ms;
    const channels = {};
    const responses = [];
    let today = 0, open = 0, overdue = 0;
    for (const [, received, channel, status, response, overdueAt] of rows) {
      if (received >= dayStart) today += 1;
      if (status !== cfg.closed) {
        open += 1;
        if (now > overdueAt) overdue += 1;
      }
      if (received >= windowStart) channels[channel] = (channels[channel] || 0) + 1;
      if (response !== null) responses.push(response);
    }
    return {today, open, overdue, median_response_ms: median(responses), channels};
  }

  pantau.kpis = {row, summarise, wibDayStart};
})(window.pantau = window.pantau || {});
