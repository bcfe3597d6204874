// Ally chat widget. Speaks Rasa's socket.io channel protocol:
// session_request -> session_confirm, user_uttered -> bot_uttered (with quick_replies).
// Every bot or supporter text is inserted with textContent: never as HTML.
import { io } from "socket.io-client";

const STORAGE_KEY = "ally.session_id";

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function mount(root, options) {
  const serverUrl = options.serverUrl || window.location.origin;
  const title = options.title || "Ally";
  root.classList.add("ally");

  const header = el("header", { class: "ally-header" });
  header.append(el("h1", { class: "ally-title" }, title));
  const status = el("p", { class: "ally-status", role: "status" }, "Connecting…");
  const helpLink = el("a", { class: "ally-help", href: options.helpUrl || "#ally-help" }, "Need urgent help?");
  header.append(status, helpLink);

  const log = el("ol", { class: "ally-log", "aria-live": "polite", "aria-label": "Conversation" });
  const replies = el("div", { class: "ally-replies", role: "group", "aria-label": "Suggested replies" });
  const form = el("form", { class: "ally-form" });
  const label = el("label", { for: "ally-input", class: "ally-visually-hidden" }, "Your message");
  const input = el("input", { id: "ally-input", class: "ally-input", type: "text", autocomplete: "off", maxlength: "4000" });
  const send = el("button", { type: "submit", class: "ally-send" }, "Send");
  form.append(label, input, send);
  root.append(header, log, replies, form);

  function addMessage(who, text) {
    const item = el("li", { class: `ally-msg ally-msg-${who}` });
    item.append(el("span", { class: "ally-visually-hidden" }, who === "user" ? "You said: " : `${title} said: `));
    item.append(el("span", { class: "ally-text" }, text));
    log.append(item);
    item.scrollIntoView({ block: "end" });
  }

  function showQuickReplies(quickReplies) {
    replies.replaceChildren();
    for (const reply of quickReplies || []) {
      const button = el("button", { type: "button", class: "ally-reply" }, reply.title);
      button.addEventListener("click", () => sendMessage(reply.payload, reply.title));
      replies.append(button);
    }
  }

  const socket = io(serverUrl, { path: "/socket.io", transports: ["websocket", "polling"] });
  let sessionId = null;

  function sendMessage(payload, shown) {
    if (!payload || !payload.trim()) return;
    addMessage("user", shown || payload);
    showQuickReplies([]);
    socket.emit("user_uttered", { message: payload, session_id: sessionId });
  }

  socket.on("connect", () => {
    status.textContent = "Connected";
    socket.emit("session_request", { session_id: localStorage.getItem(STORAGE_KEY) });
  });
  socket.on("disconnect", () => { status.textContent = "Reconnecting…"; });
  socket.on("connect_error", () => { status.textContent = "Can't reach Ally right now. Retrying…"; });
  socket.on("session_confirm", (id) => {
    sessionId = typeof id === "string" ? id : id && id.session_id;
    if (sessionId) localStorage.setItem(STORAGE_KEY, sessionId);
  });
  socket.on("bot_uttered", (message) => {
    if (message && typeof message.text === "string" && message.text) addMessage("bot", message.text);
    if (message && message.quick_replies) showQuickReplies(message.quick_replies);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendMessage(input.value);
    input.value = "";
    input.focus();
  });
}

function autoMount() {
  for (const root of document.querySelectorAll("[data-ally-widget]")) {
    mount(root, {
      serverUrl: root.dataset.serverUrl,
      title: root.dataset.title,
      helpUrl: root.dataset.helpUrl,
    });
  }
}

window.Ally = { mount };
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autoMount);
else autoMount();
