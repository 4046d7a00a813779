/* The KPI tiles and the channel mix, counted from one compact row per complaint on the page.
 *
 * Rows come from dashboard/kpis.py's columns (the snapshot, turned into rows by `rows`) and from `row`
 * here (live complaints and status changes): [id, received_s, channel code, status code,
 * response_s | null, overdue (0 or 1), sla code | null], the codes indexes into cfg.kpi_codes. Windows
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

  function seconds(iso) {
    return Math.floor(Date.parse(iso) / 1000);
  }

  function code(cfg, name, value) {
    const at = value ? cfg.kpi_codes[name].indexOf(value) : -1;
    return at < 0 ? null : at;
  }

  /* The row dashboard/kpis.py kpi_columns gives the complaint, so a live complaint counts as it will
   * after a reload: its response is the time to its first move on from Menunggu (`first_action_at`);
   * overdue is the payload's own flag. */
  function row(c, cfg) {
    const received = seconds(c.received_at);
    return [c.id, received, code(cfg, 'channel', c.channel), code(cfg, 'status', c.status),
            c.first_action_at ? seconds(c.first_action_at) - received : null, c.overdue ? 1 : 0, code(cfg, 'sla', c.sla)];
  }

  /* The snapshot's columns (dashboard/kpis.py kpi_columns) as rows. */
  function rows(columns) {
    const {t0, id, received, channel, status, response, overdue, sla} = columns;
    return id.map((cid, i) => [cid, t0 + received[i], channel[i], status[i], response[i], overdue[i], sla[i]]);
  }

  function summarise(rows, now, cfg) {
    const dayStart = wibDayStart(now, cfg.wib_offset_ms) / 1000;
    const windowStart = (now - cfg.window_ms) / 1000;
    const closed = cfg.kpi_codes.status.indexOf(cfg.closed);
    const perChannel = cfg.kpi_codes.channel.map(() => 0);
    const perColour = cfg.kpi_codes.sla.map(() => 0);
    const responses = [];
    let today = 0, open = 0, overdue = 0;
    for (const [, received, channel, status, response, late, colour] of rows) {
      if (received >= dayStart) today += 1;
      if (status !== closed) open += 1;
      overdue += late;
      if (colour !== null) perColour[colour] += 1;
      if (received >= windowStart && channel !== null) perChannel[channel] += 1;
      if (response !== null) responses.push(response);
    }
    const sla = Object.fromEntries(Object.keys(cfg.sla_states).map((state) => [state, 0]));
    cfg.kpi_codes.sla.forEach((state, i) => { if (state in sla) sla[state] = perColour[i]; });
    const channels = {};
    cfg.kpi_codes.channel.forEach((name, i) => { if (perChannel[i]) channels[name] = perChannel[i]; });
    const middle = median(responses);
    return {today, open, overdue, sla, median_response_ms: middle === null ? null : middle * 1000, channels};
  }

  pantau.kpis = {row, rows, summarise, wibDayStart};
})(window.pantau = window.pantau || {});
