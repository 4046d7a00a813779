/* The live command centre in the browser: Socket.IO in, one repaint per FLUSH_MS out.
 *
 * Events are received here rather than through a Dash component prop: a prop set many times in
 * one burst is read once by its callback, so events are lost (dash-socketio's `data-<event>`
 * kept 5 of 200 in a burst). Each `complaint_routed`, `status_changed`, `complaint_corrected` (an
 * operator re-placed, re-categorised or set it aside: the dot moves) and `sla_breached` goes into
 * one queue, so a complaint's change never overtakes its arrival; a flush at most every flush_ms
 * applies the queue to the map overlay, the feed, the Eskalasi list and the KPI rows and repaints
 * them once (view.js). A lone
 * event is drawn at once; a burst costs four repaints a second, never one per event and never a
 * server round trip (only an open detail card of a changed complaint is read again).
 * `complaint_moderated` changes what the public sees: a complaint an operator hid arrives as only
 * {id, hidden} (as do its later changes) and leaves the page, or stays marked on a moderator's page;
 * an edited text replaces the old; one shown again comes back.
 * On reconnect it asks for what it missed: its room and the last event id it saw, in the connect.
 * A filtered page (dashboard/page_filter.py) listens in the narrowest room holding its filter and
 * holds every event to the filter (`shows`): a complaint enters or leaves the page as it would on a reload.
 */
(function (pantau) {
  const state = {
    cfg: null, rows: [], rowAt: new Map(), applied: new Map(), feed: [], escalations: [], queue: [], socket: null,
    timer: null, room: null,
    lastFlush: -Infinity, lastEventId: null, connected: false, received: 0, flushes: 0, ticker: null,
  };
  const listeners = [];  // [name, handler] of other modules (assets/surge.js): the page keeps one socket

  function summary() {
    return {kpis: pantau.kpis.summarise(state.rows, Date.now(), state.cfg), feed: state.feed,
            escalations: state.escalations, connected: state.connected, at: Date.now()};
  }

  function publish() {
    pantau.view.render(summary(), state.cfg);
  }

  function flush() {
    state.timer = null;
    state.lastFlush = performance.now();
    const changed = new Set();
    for (const [name, payload] of state.queue.splice(0)) {
      if (name === state.cfg.event) {
        if (shows(payload)) arrive(payload);
      } else if (payload.hidden) {
        hide(payload.id);
        changed.add(payload.id);
      } else if (!shows(payload)) {
        if (state.rowAt.has(payload.id)) drop(payload.id);  // it left the page's filter (a status moved on)
      } else if (!state.rowAt.has(payload.id)) {
        restore(payload);
      } else {
        change(payload, name === state.cfg.breach_event ? payload.breach : undefined, name === state.cfg.corrected_event);
        changed.add(payload.id);
      }
    }
    state.feed.length = Math.min(state.feed.length, state.cfg.feed_size);
    state.escalations.length = Math.min(state.escalations.length, state.cfg.escalations_size);
    state.flushes += 1;
    pantau.overlay.draw();
    publish();
    pantau.view.refreshDetail(changed, state.cfg);
  }

  function arrive(payload) {
    state.rowAt.set(payload.id, state.rows.push(pantau.kpis.row(payload, state.cfg)) - 1);
    state.feed.unshift(payload);
    pantau.overlay.add(payload);
  }

  /* The payload is the whole complaint as it now is: it replaces the row and the feed entry
   * (never mutated: snapshot ones belong to Dash's store) and recolours its point. A `breach`
   * (sla_breached) names the deadline passed, which the feed entry keeps through later changes,
   * as dashboard/client.py last_breach reads it from the history after a reload. */
  function change(payload, breach, moved) {
    state.rows[state.rowAt.get(payload.id)] = pantau.kpis.row(payload, state.cfg);
    const i = state.feed.findIndex((p) => p.id === payload.id);
    if (i >= 0) state.feed[i] = Object.assign({}, payload, {breach: breach || state.feed[i].breach || null});
    if (breach) state.escalations.unshift(escalation(payload, breach));
    if (moved) pantau.overlay.move(payload);
    else pantau.overlay.update(payload);
  }

  /* Hidden from the public: a moderator's page keeps it, marked; any other page forgets it, so its
   * later changes (which carry nothing but its id) are skipped. */
  function hide(id) {
    if (state.cfg.moderator) {
      const i = state.feed.findIndex((p) => p.id === id);
      if (i >= 0) state.feed[i] = Object.assign({}, state.feed[i], {hidden: true});
      return;
    }
    drop(id);
  }

  /* Off this page: its row, feed entry, escalations, point and open card go. */
  function drop(id) {
    const at = state.rowAt.get(id);
    if (at !== undefined) {
      state.rows.splice(at, 1);
      state.rowAt = new Map(state.rows.map((row, i) => [row[0], i]));
    }
    state.feed = state.feed.filter((p) => p.id !== id);
    state.escalations = state.escalations.filter((e) => e.id !== id);
    state.applied.delete(id);
    pantau.overlay.remove(id);
    pantau.view.dropDetail(id);
  }

  /* Shown again: back on the page, in the feed by its arrival time. */
  function restore(payload) {
    state.rowAt.set(payload.id, state.rows.push(pantau.kpis.row(payload, state.cfg)) - 1);
    const received = Date.parse(payload.received_at);
    const i = state.feed.findIndex((p) => Date.parse(p.received_at) < received);
    state.feed.splice(i < 0 ? state.feed.length : i, 0, payload);
    pantau.overlay.update(payload);
  }

  /* An Eskalasi entry as dashboard/client.py escalations makes it: dated by the breach's history event. */
  function escalation(payload, breach) {
    const kind = Object.keys(state.cfg.breach_kinds).find((k) => state.cfg.breach_kinds[k] === breach);
    const recorded = payload.history.filter((event) => event.kind === kind).pop();
    return Object.assign({}, payload, {breach, at: recorded ? recorded.at : new Date().toISOString()});
  }

  function schedule() {
    if (state.timer !== null) return;
    const wait = Math.max(0, state.lastFlush + state.cfg.flush_ms - performance.now());
    state.timer = setTimeout(flush, wait);
  }

  /* Whether the page lacks this event. A complaint it already shows (a replay after reconnect, or
   * in the snapshot) is skipped, and so is a change it has applied or one older than the last it
   * applied (across processes replays may repeat or reorder). A change to a complaint the page
   * does not show is skipped too: every open one is in the snapshot and a new one arrives before
   * its changes, so it is one whose arrival was missed, which a reload repairs like any other. A
   * hidden complaint's events are skipped but the moderation that hides it from a page showing it,
   * and one shown again is wanted though the page does not show it. */
  function wanted(name, payload) {
    const last = state.applied.get(payload.id);
    const newer = last !== undefined && (last === null || payload.event_id > last);
    if (name === state.cfg.event) return last === undefined && !payload.hidden;
    if (payload.hidden) return name === state.cfg.moderated_event && newer;
    if (name === state.cfg.moderated_event && last === undefined) {
      return payload.moderation === state.cfg.moderation.unhide;
    }
    if (last === undefined && filtered()) return shows(payload);  // it came into the filter (a status moved on)
    return newer;
  }

  function filtered() {
    return state.cfg.filtered;  // dashboard/page_filter.py is_filtered
  }

  /* Whether the page's filter (dashboard/page_filter.py) takes this complaint: the rules of
   * store/filters.py conditions, so a live complaint is shown exactly when a reload would show it. */
  function shows(p) {
    const f = state.cfg.filter;
    if (f.kota && p.kode_kota !== f.kota) return false;
    if (f.kecamatan && p.kode_kecamatan !== f.kecamatan) return false;
    if (f.kelurahan && p.kode_kelurahan !== f.kelurahan) return false;
    if (f.skpd && p.skpd !== f.skpd) return false;
    if (f.categories.length && !f.categories.includes(p.category)) return false;
    if (f.statuses.length && !f.statuses.includes(p.status)) return false;
    if (f.channels.length && !f.channels.includes(p.channel)) return false;
    if (f.since_ms !== null && Date.parse(p.received_at) < f.since_ms) return false;
    if (f.words.length) {
      const text = (p.text || '').toLowerCase();
      const ticket = f.words.length === 1 && p.ticket === f.words[0].toUpperCase();
      if (!ticket && !f.words.every((w) => text.includes(w))) return false;
    }
    return true;
  }

  function receive(name, payload) {
    const eventId = typeof payload.event_id === 'number' ? payload.event_id : null;
    if (eventId !== null) state.lastEventId = Math.max(state.lastEventId ?? eventId, eventId);
    if (!wanted(name, payload)) return;
    state.applied.set(payload.id, eventId);
    state.received += 1;
    state.queue.push([name, payload]);
    schedule();
  }

  function setConnected(connected) {
    state.connected = connected;
    publish();
  }

  function connect() {
    // WebSocket only: with several server processes (pantau serve) a polling session would need a
    // sticky proxy; one WebSocket stays on one process, and every process hears every event.
    // A reconnect names its room and the last event it saw in the connect itself (auth is asked
    // again on every attempt): the server replays before it joins the room, so nothing arrives
    // twice or out of order while reports keep coming (live/handlers.py).
    const socket = window.io({transports: ['websocket'], auth: (send) => send(
      state.lastEventId === null && state.cfg.room === 'city' ? {}
        : {rooms: [state.cfg.room], last_event_id: state.lastEventId})});
    socket.on('connect', () => setConnected(true));
    socket.on('disconnect', () => setConnected(false));
    socket.on('resync', () => window.location.reload());  // missed too much to replay: a fresh snapshot
    for (const name of [state.cfg.event, state.cfg.status_event, state.cfg.corrected_event, state.cfg.breach_event,
                        state.cfg.moderated_event]) {
      socket.on(name, (payload) => receive(name, payload));
    }
    for (const [name, handler] of listeners) socket.on(name, handler);
    return socket;
  }

  /* Another module's handler of an event on this socket (replays after a reconnect included). */
  function on(name, handler) {
    listeners.push([name, handler]);
    if (state.socket !== null) state.socket.on(name, handler);
  }

  function select(id) {
    pantau.view.showDetail(id, state.cfg);
  }

  /* Called when the page's layout (a fresh snapshot) arrives; the socket outlives re-renders of it. */
  function start(snapshot, cfg) {
    state.cfg = cfg;
    state.rows = pantau.kpis.rows(snapshot.kpis);
    state.rowAt = new Map(state.rows.map((row, i) => [row[0], i]));
    state.applied = new Map(state.rows.map((row) => [row[0], null]));  // as read, before any event
    state.feed = snapshot.feed.slice();
    state.escalations = snapshot.escalations.slice();
    state.queue = [];
    pantau.overlay.init(cfg, select);
    if (state.socket === null) {
      state.socket = connect();
    } else if (cfg.room !== state.room) {
      // A new filter: its room, with what was missed since the last event seen (skipped if applied).
      state.socket.emit('subscribe', {rooms: [cfg.room], last_event_id: state.lastEventId});
    }
    state.room = cfg.room;
    if (state.ticker === null) state.ticker = setInterval(publish, 30000);  // the clock moves the KPIs too
    publish();
  }

  /* For tests and benchmarks. */
  function stats() {
    return {received: state.received, flushes: state.flushes, queued: state.queue.length,
            connected: state.connected, lastEventId: state.lastEventId, room: state.room, filter: state.cfg && state.cfg.filter,
            rows: state.rows.length};
  }

  pantau.live = {start, select, stats, on};
})(window.pantau = window.pantau || {});
