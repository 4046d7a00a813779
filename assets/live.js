/* The live command centre in the browser: Socket.IO in, one repaint per FLUSH_MS out.
 *
 * Events are received here rather than through a Dash component prop: a prop set many times in
 * one burst is read once by its callback, so events are lost (dash-socketio's `data-<event>`
 * kept 5 of 200 in a burst). Each `complaint_routed` goes into a queue; a flush at most every
 * flush_ms adds the queue to the map overlay, the feed and the KPI rows and repaints them once
 * (view.js). A lone complaint is drawn at once; a burst costs four repaints a second, never one
 * per event and never a server round trip.
 * On reconnect it asks for what it missed: `subscribe` with the last event id it saw.
 */
(function (pantau) {
  const state = {
    cfg: null, rows: [], known: new Set(), feed: [], queue: [], socket: null, timer: null,
    lastFlush: -Infinity, lastEventId: null, connected: false, received: 0, flushes: 0, ticker: null,
  };

  function summary() {
    return {kpis: pantau.kpis.summarise(state.rows, Date.now(), state.cfg), feed: state.feed,
            connected: state.connected, at: Date.now()};
  }

  function publish() {
    pantau.view.render(summary(), state.cfg);
  }

  function flush() {
    state.timer = null;
    state.lastFlush = performance.now();
    const batch = state.queue.splice(0);
    for (const payload of batch) {
      state.rows.push([payload.id, Date.parse(payload.received_at), payload.channel, payload.status, null]);
      state.feed.unshift(payload);
      pantau.overlay.add(payload);
    }
    state.feed.length = Math.min(state.feed.length, state.cfg.feed_size);
    state.flushes += 1;
    pantau.overlay.draw();
    publish();
  }

  function schedule() {
    if (state.timer !== null) return;
    const wait = Math.max(0, state.lastFlush + state.cfg.flush_ms - performance.now());
    state.timer = setTimeout(flush, wait);
  }

  /* A new complaint has no response yet, so its row's response is null. */
  function receive(payload) {
    if (typeof payload.event_id === 'number') {
      state.lastEventId = Math.max(state.lastEventId === null ? payload.event_id : state.lastEventId,
                                   payload.event_id);
    }
    if (state.known.has(payload.id)) return;  // a replay after reconnect, or already in the snapshot
    state.known.add(payload.id);
    state.received += 1;
    state.queue.push(payload);
    schedule();
  }

  function setConnected(connected) {
    state.connected = connected;
    publish();
  }

  function connect() {
    const socket = window.io({transports: ['websocket', 'polling'], tryAllTransports: true});
    socket.on('connect', () => {
      if (state.lastEventId !== null) {
        socket.emit('subscribe', {rooms: [state.cfg.room], last_event_id: state.lastEventId});
      }
      setConnected(true);
    });
    socket.on('disconnect', () => setConnected(false));
    socket.on('resync', () => window.location.reload());  // missed too much to replay: a fresh snapshot
    socket.on(state.cfg.event, receive);
    return socket;
  }

  function select(id) {
    pantau.view.showDetail(id, state.cfg);
  }

  /* Called when the page's layout (a fresh snapshot) arrives; the socket outlives re-renders of it. */
  function start(snapshot, cfg) {
    state.cfg = cfg;
    state.rows = snapshot.rows.slice();
    state.known = new Set(state.rows.map((row) => row[0]));
    state.feed = snapshot.feed.slice();
    state.queue = [];
    pantau.overlay.init(cfg, select);
    if (state.socket === null) state.socket = connect();
    if (state.ticker === null) state.ticker = setInterval(publish, 30000);  // the clock moves the KPIs too
    publish();
  }

  /* For tests and benchmarks. */
  function stats() {
    return {received: state.received, flushes: state.flushes, queued: state.queue.length,
            connected: state.connected, lastEventId: state.lastEventId};
  }

  pantau.live = {start, select, stats};
})(window.pantau = window.pantau || {});
