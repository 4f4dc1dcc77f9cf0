// Lion's bidding page, live: follows the session's event feed and updates prices, leaders and
// the time left (from the server's clock). Without JavaScript a watcher's page refreshes itself
// and a bidder's offers a link (a refresh would wipe the bid being typed).
(function () {
  "use strict";
  var root = document.getElementById("lots");
  if (!root || !window.EventSource) return;
  var sid = root.getAttribute("data-session");
  var me = root.getAttribute("data-me");
  var you = root.getAttribute("data-you");
  var outbid = root.getAttribute("data-outbid");
  var skew = Date.now() - Number(root.getAttribute("data-now"));
  var clocks = {};
  function lot(id) { return document.getElementById("lot-" + id); }
  function rp(v) { return "Rp " + String(v).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  function set(el, sel, text) { var x = el && el.querySelector(sel); if (x) x.textContent = text; }
  function now() { return Date.now() - skew; }
  function reload() { window.location.reload(); }
  var last = Number(root.getAttribute("data-after"));
  // Clocks already running when the page was drawn.
  var running = root.querySelectorAll("[data-clock]");
  for (var r = 0; r < running.length; r++) {
    var c = running[r].getAttribute("data-clock").split(",").map(Number);
    clocks[running[r].getAttribute("data-lot")] = { price: c[0], at: c[1], step: c[2], interval: c[3] };
  }
  var handlers = {
    bid: function (e) {
      var el = lot(e.lot);
      if (!el) return;
      var wasMine = el.getAttribute("data-mine") === "1";
      var mine = me && String(e.leader) === me;
      el.setAttribute("data-mine", mine ? "1" : "0");
      set(el, ".price", rp(e.price));
      // The lot's value at the new price, rounded as the server rounds it (half a rupiah up).
      var grams = Number(el.getAttribute("data-grams"));
      if (grams) set(el, ".total", rp(Math.floor((e.price * grams + 500) / 1000)));
      set(el, ".leader", mine ? you : "#" + e.leader);
      el.setAttribute("data-ends", e.ends_at);
      var input = el.querySelector("input[name=harga]");
      if (input && Number(input.value) < e.min) input.value = e.min;
      set(el, ".minimum", rp(e.min));
      if (wasMine && !mine) {
        var a = el.querySelector(".outbid");
        if (!a) { a = document.createElement("p"); a.className = "alert outbid"; a.setAttribute("role", "alert"); el.appendChild(a); }
        a.textContent = outbid;
      }
    },
    clock_started: function (e) { clocks[e.lot] = e; }
  };
  ["sold", "unsold", "filled", "closed", "cancelled", "opened", "paused", "resumed", "lot_opened", "snapshot"].forEach(function (k) {
    handlers[k] = function () { setTimeout(reload, 300); };
  });
  function handle(e) {
    if (e.n) last = Math.max(last, e.n);
    var h = handlers[e.e];
    if (h) h(e);
  }
  // The WebSocket first; Server-Sent Events where it cannot open (proxies, old browsers).
  function sse() {
    var es = new EventSource("/lelang/sesi/" + sid + "/feed?after=" + last);
    es.onopen = function () { root.setAttribute("data-live", "sse"); };
    Object.keys(handlers).forEach(function (k) {
      es.addEventListener(k, function (m) { handle(JSON.parse(m.data)); });
    });
  }
  function ws(tries) {
    if (!window.WebSocket) return sse();
    var opened = false;
    var sock = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/lelang/sesi/" + sid + "/ws?after=" + last);
    sock.onopen = function () { opened = true; root.setAttribute("data-live", "ws"); };
    sock.onmessage = function (m) { handle(JSON.parse(m.data)); };
    sock.onclose = function () {
      if (!opened) return sse();
      // Resume from the last event seen.
      setTimeout(function () { ws(tries + 1); }, Math.min(10000, 500 * (tries + 1)));
    };
  }
  ws(0);
  setInterval(function () {
    var t = now();
    var lots = root.querySelectorAll(".lot");
    for (var i = 0; i < lots.length; i++) {
      var el = lots[i], end = Number(el.getAttribute("data-ends"));
      if (end) {
        var s = Math.max(0, Math.ceil((end - t) / 1000));
        set(el, ".left", Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2));
      }
      var c = clocks[el.getAttribute("data-lot")];
      if (c) set(el, ".price", rp(c.price - c.step * Math.floor(Math.max(0, t - c.at) / c.interval)));
    }
  }, 250);
})();
