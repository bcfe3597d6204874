// The live supporter queue: server-sent events, live timers, claim/release/note/resolve,
// optional sound and browser notifications. All user-written text goes in via textContent.
(function () {
  "use strict";

  var table = document.getElementById("queue");
  if (!table) { return; }
  var tbody = document.getElementById("queue-rows");
  var empty = document.getElementById("queue-empty");
  var statusLine = document.getElementById("live-status");
  var errorLine = document.getElementById("queue-error");
  var actionsTemplate = document.getElementById("row-actions");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var target = Number(table.dataset.targetSeconds) || 300;
  var me = table.dataset.username;
  var isAdmin = table.dataset.role === "admin";

  var SEVERITY_RANK = { imminent: 0, high: 1, medium: 2, low: 3, none: 4 };
  var STATUS_RANK = { open: 0, claimed: 1 };
  var items = new Map();   // id -> {data, receivedAt, overdueAlerted}
  var firstSnapshot = true;

  // --- Preferences: sound and notifications are opt-in. ---
  var soundButton = document.getElementById("enable-sound");
  var notifyButton = document.getElementById("enable-notifications");
  var audio = null;
  var soundOn = false;
  var notifyOn = false;

  function setPressed(button, on, label) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = label + (on ? "on" : "off");
  }

  soundButton.addEventListener("click", function () {
    soundOn = !soundOn;
    if (soundOn && !audio && window.AudioContext) { audio = new window.AudioContext(); }
    setPressed(soundButton, soundOn, "Sound alerts: ");
    if (soundOn) { beep(); }
  });

  notifyButton.addEventListener("click", function () {
    if (!("Notification" in window)) {
      showError("This browser does not support notifications.");
      return;
    }
    if (notifyOn) { notifyOn = false; setPressed(notifyButton, false, "Browser notifications: "); return; }
    Notification.requestPermission().then(function (permission) {
      notifyOn = permission === "granted";
      setPressed(notifyButton, notifyOn, "Browser notifications: ");
      if (!notifyOn) { showError("Notifications are blocked in this browser's settings."); }
    });
  });

  function beep() {
    if (!soundOn || !audio) { return; }
    var oscillator = audio.createOscillator();
    var gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.value = 0.2;
    oscillator.connect(gain);
    gain.connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.3);
  }

  function alertSupporter(title, escalation) {
    beep();
    if (notifyOn && (document.visibilityState !== "visible" || !document.hasFocus())) {
      // No message text in notifications: they can show on a locked screen.
      var body = label(escalation) + (escalation.categories.length ? " · " + escalation.categories.join(", ") : "");
      try { new Notification(title, { body: body, tag: "escalation-" + escalation.id }); } catch (e) { /* ignore */ }
    }
  }

  // --- Rendering ---
  function label(e) { return e.kind === "handoff" ? "asked for a human" : e.severity; }

  function waitingNow(entry) {
    return entry.data.waiting_seconds + Math.floor((Date.now() - entry.receivedAt) / 1000);
  }

  function formatWaiting(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    if (m >= 60) { return Math.floor(m / 60) + " h " + (m % 60) + " min"; }
    return m + " min " + (s < 10 ? "0" : "") + s + " s";
  }

  function isOverdue(entry) {
    var e = entry.data;
    return e.status === "open" && e.targeted && waitingNow(entry) > target;
  }

  function cell(row, index) {
    while (row.cells.length <= index) { row.insertCell(-1); }
    return row.cells[index];
  }

  function buildRow(e) {
    var row = document.createElement("tr");
    row.id = "escalation-" + e.id;
    row.dataset.id = String(e.id);
    for (var i = 0; i < 5; i++) { row.insertCell(-1); }
    var actionsCell = row.insertCell(-1);
    actionsCell.appendChild(actionsTemplate.content.cloneNode(true));
    actionsCell.querySelector('[data-action="claim"]').addEventListener("click", function () { act(e.id, "claim"); });
    actionsCell.querySelector('[data-action="unclaim"]').addEventListener("click", function () { act(e.id, "unclaim"); });
    actionsCell.querySelector('[data-form="note"]').addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.target;
      send(e.id, "notes", { text: form.elements.text.value }).then(function (ok) { if (ok) { form.reset(); } });
    });
    actionsCell.querySelector('[data-form="resolve"]').addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.target;
      var note = form.elements.note.value.trim();
      var body = { outcome: form.elements.outcome.value };
      if (note) { body.note = note; }
      send(e.id, "resolve", body);
    });
    return row;
  }

  function fillRow(row, entry) {
    var e = entry.data;
    var overdue = isOverdue(entry);
    row.className = "sev-" + e.severity + " kind-" + e.kind + (overdue ? " overdue" : "") +
      (e.claimed_by === me ? " claimed-by-me" : "");
    var severityCell = cell(row, 0);
    severityCell.textContent = "";
    var badge = document.createElement("span");
    badge.className = "badge badge-" + e.severity;
    badge.textContent = label(e);
    severityCell.appendChild(badge);
    if (overdue) {
      var late = document.createElement("span");
      late.className = "badge badge-overdue";
      late.textContent = "OVERDUE";
      severityCell.appendChild(document.createTextNode(" "));
      severityCell.appendChild(late);
    }
    cell(row, 1).textContent = e.categories.join(", ");
    var waiting = cell(row, 2);
    waiting.textContent = "";
    var time = document.createElement("time");
    time.className = "waiting";
    time.setAttribute("datetime", e.created_at);
    time.textContent = formatWaiting(waitingNow(entry));
    waiting.appendChild(time);
    cell(row, 3).textContent = e.status + (e.claimed_by ? " by " + e.claimed_by : "");
    var excerpt = cell(row, 4);
    excerpt.className = "excerpt";
    excerpt.textContent = e.excerpt;
    var actions = cell(row, 5);
    var mine = e.claimed_by === me;
    actions.querySelector('[data-action="claim"]').hidden = e.status !== "open";
    actions.querySelector('[data-action="unclaim"]').hidden = !(e.status === "claimed" && (mine || isAdmin));
    actions.querySelector('[data-form="resolve"]').hidden = e.status === "claimed" && !mine && !isAdmin;
    var open = actions.querySelector('[data-role="open"]');
    open.href = "/supporter/conversations/" + encodeURIComponent(e.conversation_id);
  }

  function compare(a, b) {
    var x = a.data, y = b.data;
    var keys = [
      [STATUS_RANK[x.status], STATUS_RANK[y.status]],
      [x.kind === "handoff" ? 5 : SEVERITY_RANK[x.severity], y.kind === "handoff" ? 5 : SEVERITY_RANK[y.severity]],
      [x.created_at, y.created_at],
      [x.id, y.id],
    ];
    for (var i = 0; i < keys.length; i++) {
      if (keys[i][0] < keys[i][1]) { return -1; }
      if (keys[i][0] > keys[i][1]) { return 1; }
    }
    return 0;
  }

  function render() {
    var sorted = Array.from(items.values()).sort(compare);
    var rows = sorted.map(function (entry) {
      var row = document.getElementById("escalation-" + entry.data.id);
      if (!row || !row.querySelector("[data-action]")) {
        if (row) { row.remove(); }
        row = buildRow(entry.data);
      }
      fillRow(row, entry);
      return row;
    });
    // Move rows only when the order changed, so a focused field keeps its focus.
    var current = Array.from(tbody.children);
    var same = current.length === rows.length && rows.every(function (r, i) { return current[i] === r; });
    if (!same) {
      current.forEach(function (r) { if (rows.indexOf(r) < 0) { r.remove(); } });
      rows.forEach(function (r) { tbody.appendChild(r); });
    }
    table.hidden = rows.length === 0;
    empty.hidden = rows.length !== 0;
  }

  function upsert(e, quiet) {
    var known = items.get(e.id);
    if (e.status === "resolved") {
      items.delete(e.id);
      return;
    }
    items.set(e.id, { data: e, receivedAt: Date.now(), overdueAlerted: known ? known.overdueAlerted : e.overdue });
    if (!known && !quiet && e.status === "open") {
      alertSupporter(e.kind === "handoff" ? "Someone asked for a human" : "New " + e.severity + " escalation", e);
    }
  }

  function tick() {
    items.forEach(function (entry) {
      if (isOverdue(entry) && !entry.overdueAlerted) {
        entry.overdueAlerted = true;
        alertSupporter("Escalation overdue", entry.data);
      }
    });
    render();
  }

  // --- Actions through the JSON API ---
  function showError(message) {
    errorLine.textContent = message;
    errorLine.hidden = !message;
  }

  function send(id, action, body) {
    showError("");
    return fetch("/api/escalations/" + id + "/" + action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          showError(data.error || "That did not work (" + response.status + ").");
          return false;
        }
        if (data.status) { upsert(data, true); render(); }
        return true;
      });
    }).catch(function () {
      showError("The server could not be reached. Try again.");
      return false;
    });
  }

  function act(id, action) { return send(id, action, {}); }

  // --- Live updates with reconnection ---
  var source = null;
  var retryDelay = 2000;

  function setStatus(text, down) {
    statusLine.textContent = text;
    statusLine.classList.toggle("down", !!down);
  }

  function connect() {
    source = new EventSource("/supporter/events");
    source.onopen = function () {
      retryDelay = 2000;
      setStatus("Live: new escalations appear automatically.", false);
    };
    source.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.type === "snapshot") {
        var quiet = firstSnapshot;
        var seen = new Set();
        event.escalations.forEach(function (e) { seen.add(e.id); upsert(e, quiet); });
        Array.from(items.keys()).forEach(function (id) { if (!seen.has(id)) { items.delete(id); } });
        firstSnapshot = false;
        render();
      } else if (event.type === "escalation") {
        upsert(event.escalation, false);
        render();
      }
    };
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        setStatus("Live updates lost. Reconnecting…", true);
        source.close();
        fetch("/api/escalations?status=open", { credentials: "same-origin" }).then(function (r) {
          if (r.status === 401) {
            setStatus("Your session has ended. Sign in again to see live updates.", true);
            return;
          }
          setTimeout(connect, retryDelay);
          retryDelay = Math.min(retryDelay * 2, 30000);
        }).catch(function () {
          setTimeout(connect, retryDelay);
          retryDelay = Math.min(retryDelay * 2, 30000);
        });
      } else {
        setStatus("Live updates interrupted. Reconnecting…", true);
      }
    };
  }

  connect();
  setInterval(tick, 1000);
})();
