/* The KPI tiles and the channel mix, counted from one row per complaint on the page.
 *
 * Rows come from dashboard/kpis.py (the snapshot) and from `row` here (live complaints and status
 * changes): [id, received_ms, channel, status, response_ms | null, overdue (0 or 1), sla | null]. Windows
 * and the WIB offset come from dashboard/client.py and each complaint's `overdue` and `sla` colour from
 * its public payload (crm/overdue.py, crm/sla_state.py; renewed by `sla_breached` when a deadline
 * passes), so counting here decides nothing of its own. Counting in the browser lets the tiles follow the clock (midnight WIB).
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
   * its response is the time to its first move on from Menunggu (`first_action_at`); overdue is the
   * payload's own flag. */
  function row(c) {
    const received = Date.parse(c.received_at);
    return [c.id, received, c.channel, c.status, c.first_action_at ? Date.parse(c.first_action_at) - received : null,
            c.overdue ? 1 : 0, c.sla || null];
  }

  function summarise(rows, now, cfg) {
    const dayStart = wibDayStart(now, cfg.wib_offset_ms);
    const windowStart = now - cfg.window_ms;
    const channels = {};
    const sla = Object.fromEntries(Object.keys(cfg.sla_states).map((state) => [state, 0]));
    const responses = [];
    let today = 0, open = 0, overdue = 0;
    for (const [, received, channel, status, response, late, colour] of rows) {
      if (received >= dayStart) today += 1;
      if (status !== cfg.closed) open += 1;
      overdue += late;
      if (colour in sla) sla[colour] += 1;
      if (received >= windowStart) channels[channel] = (channels[channel] || 0) + 1;
      if (response !== null) responses.push(response);
    }
    return {today, open, overdue, sla, median_response_ms: median(responses), channels};
  }

  pantau.kpis = {row, summarise, wibDayStart};
})(window.pantau = window.pantau || {});
