// Lion's bidding page, live: follows the session's event feed and updates prices, leaders and
// the time left (from the server's clock). Without JavaScript the page refreshes itself.
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
  var es = new EventSource("/lelang/sesi/" + sid + "/feed?after=" + root.getAttribute("data-after"));
  es.addEventListener("bid", function (m) {
    var e = JSON.parse(m.data), el = lot(e.lot);
    if (!el) return;
    var wasMine = el.getAttribute("data-mine") === "1";
    var mine = me && String(e.leader) === me;
    el.setAttribute("data-mine", mine ? "1" : "0");
    set(el, ".price", rp(e.price));
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
  });
  es.addEventListener("clock_started", function (m) {
    var e = JSON.parse(m.data);
    clocks[e.lot] = e;
  });
  ["sold", "unsold", "filled", "closed", "cancelled", "opened", "paused", "resumed", "lot_opened", "snapshot"].forEach(function (k) {
    es.addEventListener(k, function () { setTimeout(reload, 300); });
  });
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
