// The supporter's conversation view: live transcript, take over, reply, hand back.
// Every text is inserted with textContent: nothing a person or supporter wrote is parsed as HTML.
(function () {
  "use strict";

  var root = document.getElementById("conversation");
  if (!root) return;
  var conversationId = root.dataset.conversationId;
  var csrfToken = root.dataset.csrfToken;
  var username = root.dataset.username;
  var base = "/api/conversations/" + encodeURIComponent(conversationId);
  var log = document.getElementById("transcript");
  var statusLine = document.getElementById("takeover-status");
  var errorLine = document.getElementById("action-error");
  var takeoverButton = document.getElementById("takeover-button");
  var handbackButton = document.getElementById("handback-button");
  var form = document.getElementById("reply-form");
  var input = document.getElementById("reply-text");
  var seen = new Set();
  log.querySelectorAll("[data-message-id]").forEach(function (li) { seen.add(li.dataset.messageId); });

  var LABELS = { person: "Person", bot: "Ally (bot)", system: "Notice" };

  function label(message) {
    if (message.sender === "supporter") return "Supporter " + (message.supporter_name || "");
    return LABELS[message.sender] || "Ally (bot)";
  }

  function append(message) {
    if (message.message_id) {
      if (seen.has(message.message_id)) return;
      seen.add(message.message_id);
    }
    var li = document.createElement("li");
    li.className = "message from-" + message.sender;
    li.dataset.sender = message.sender;
    if (message.message_id) li.dataset.messageId = message.message_id;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = label(message);
    var time = document.createElement("time");
    time.dateTime = message.timestamp || "";
    time.textContent = (message.timestamp || "").slice(11, 19);
    var text = document.createElement("p");
    text.className = "text";
    var segments = message.segments || [{ text: message.text, mark: false }];
    segments.forEach(function (segment) {
      var node = segment.mark ? document.createElement("mark") : document.createElement("span");
      node.textContent = segment.text;
      text.appendChild(node);
    });
    li.append(who, " ", time, text);
    log.appendChild(li);
    li.scrollIntoView({ block: "end" });
  }

  function showTakeover(active, supporter) {
    root.dataset.takeoverBy = active ? supporter : "";
    statusLine.textContent = active
      ? "Taken over by " + supporter + ": the bot is silent."
      : "The bot is answering.";
    takeoverButton.hidden = active;
    handbackButton.hidden = !active;
    form.hidden = !(active && supporter === username);
  }

  function post(path, body) {
    errorLine.textContent = "";
    return fetch(base + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || "The request failed (" + response.status + ").");
        return data;
      });
    }).catch(function (error) {
      errorLine.textContent = error.message;
      throw error;
    });
  }

  takeoverButton.addEventListener("click", function () {
    takeoverButton.disabled = true;
    post("/takeover").then(function (data) {
      showTakeover(true, data.takeover.supporter);
      input.focus();
    }).catch(function () {}).finally(function () { takeoverButton.disabled = false; });
  });

  handbackButton.addEventListener("click", function () {
    handbackButton.disabled = true;
    post("/handback").then(function () { showTakeover(false, ""); })
      .catch(function () {}).finally(function () { handbackButton.disabled = false; });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    post("/messages", { text: text }).then(function (data) {
      append(data.message);
      input.value = "";
    }).catch(function () {}).finally(function () {
      button.disabled = false;
      input.focus();
    });
  });

  function onEvent(event) {
    var data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    if (!data || data.conversation_id !== conversationId) return;
    if (data.type === "conversation_message" && data.message) append(data.message);
    if (data.type === "takeover") showTakeover(Boolean(data.active), data.supporter || "");
  }

  if (window.EventSource) {
    var source = new EventSource("/supporter/events?conversation=" + encodeURIComponent(conversationId));
    source.onmessage = onEvent;
    source.addEventListener("conversation_message", onEvent);
    source.addEventListener("takeover", onEvent);
  }
})();
