// Kiosk mode of the satisfaction survey: answers are queued on the tablet first, then sent; a
// queue that cannot reach the server is kept (localStorage) and retried until it can. Each
// questionnaire carries a client key, so a retry after a lost reply is recorded only once.
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form || !window.fetch || !window.localStorage) return;
  var unit = form.getAttribute("data-unit");
  var KEY = "anjungan-kiosk-queue-" + unit;
  var status = document.getElementById("kiosk-status");
  var thanks = document.getElementById("kiosk-thanks");
  var body = document.getElementById("kiosk-body");
  var button = document.getElementById("survey-submit");
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(q) { localStorage.setItem(KEY, JSON.stringify(q)); }
  function key() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function show() {
    var n = load().length;
    status.textContent = n ? status.getAttribute("data-offline").replace("{n}", n) : "";
    status.setAttribute("data-queued", String(n));
  }
  function flush() {
    if (sending) return;
    var q = load();
    if (!q.length) { show(); return; }
    sending = true;
    var item = q[0];
    fetch("/api/v1/survey/units/" + unit + "/responses", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(item)
    }).then(function (r) {
      sending = false;
      // Recorded, already recorded, or refused for good: it leaves the queue. Busy or down: retry.
      if (r.status < 500 && r.status !== 429 && r.status !== 408) {
        save(load().filter(function (x) { return x.client_key !== item.client_key; }));
        show();
        flush();
      } else {
        show();
      }
    }).catch(function () { sending = false; show(); });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (button.disabled) return; // repeated taps
    button.disabled = true;
    var fd = new FormData(form);
    var answers = {}, extra = {};
    fd.forEach(function (v, k) {
      if (/^u[1-9]$/.test(k)) answers[k.toUpperCase()] = parseInt(v, 10);
      else if (/^q_\d+$/.test(k) && v) extra[k.slice(2)] = v;
    });
    var age = parseInt(fd.get("age"), 10);
    var q = load();
    q.push({
      client_key: key(), answers: answers, service: fd.get("service") || "",
      sex: fd.get("sex") || "", age: isNaN(age) ? null : age, education: fd.get("education") || "",
      occupation: fd.get("occupation") || "", comment: fd.get("comment") || "", extra: extra
    });
    save(q);
    form.reset();
    body.hidden = true;
    thanks.hidden = false;
    window.scrollTo(0, 0);
    flush();
    setTimeout(function () { thanks.hidden = true; body.hidden = false; button.disabled = false; }, 3000);
  });
  // A kiosk fills the screen: the first touch asks the browser for full screen.
  document.addEventListener("pointerdown", function full() {
    document.removeEventListener("pointerdown", full);
    var el = document.documentElement;
    if (el.requestFullscreen && !document.fullscreenElement) el.requestFullscreen().catch(function () {});
  });
  window.addEventListener("online", flush);
  setInterval(flush, 3000);
  show();
  flush();
})();
