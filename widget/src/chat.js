// The widget's behaviour: Rasa's socket.io protocol, consent, history, reconnection.
//   session_request {session_id} -> session_confirm id
//   user_uttered {message, session_id, message_id, resent?} -> bot_uttered {text, quick_replies,
//     metadata?}, then the ack {message_id}. Until that ack arrives the message stays pending and
//     is sent again, with the same message_id and resent: true, after a reconnect; the server
//     runs each message_id once (bot/web/resends.py).
//   ally_history_request {session_id} -> ally_history {session_id, messages}  (optional)
//   ally_consent {notice_version} -> ack {ok}
import { io } from "socket.io-client";
import { createHelpDialog, fallbackResources, loadResources, resourcesSection } from "./help.js";
import { NOTICE_VERSION, buildNotice } from "./notice.js";
import { CONSENT_KEY, SESSION_KEY, forget, read, readConsent, write, writeConsent } from "./storage.js";
import { buildView, fromBotUttered, fromHistory } from "./view.js";

const TYPING_TIMEOUT_MS = 60000;

// A random id per message (8-64 of [A-Za-z0-9_-]), so a re-sent message is recognised.
function newMessageId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Mount the widget into `root`.
 * options: {server, title, locale, embedded, helpContent (element or null)}
 */
export function mount(root, options = {}) {
  const server = options.server || window.location.origin;
  const title = options.title || "Ally";
  const view = buildView(root, { title, embedded: Boolean(options.embedded) });

  // Help: the server-rendered section on the chat page, else fetched (with a baked-in fallback).
  const help = createHelpDialog();
  if (options.helpContent) help.setContent(options.helpContent);
  else {
    // The baked-in table at once, so the dialog is never empty; the server's when it answers.
    help.setContent(resourcesSection(fallbackResources(options.locale)));
    loadResources(server, options.locale).then((data) => {
      const swap = () => help.setContent(resourcesSection(data));
      if (help.element.open) help.element.addEventListener("close", swap, { once: true });
      else swap();
    });
  }
  view.helpButton.addEventListener("click", () => help.open(view.helpButton));

  let sessionId = null;
  let consent = readConsent();
  let consented = Boolean(consent && consent.notice_version === NOTICE_VERSION);
  let pending = []; // {id, text, sent}: not yet acknowledged by the server
  let activeReplies = [];
  let typingTimer = null;
  let notice = null;

  function showNotice() {
    if (notice) return;
    notice = buildNotice(agree);
    view.body.insertBefore(notice, view.body.firstChild);
    view.setEnabled(false);
  }

  function agree() {
    consented = true;
    consent = { notice_version: NOTICE_VERSION, session_id: sessionId, recorded: false };
    writeConsent(consent);
    if (notice) notice.remove();
    notice = null;
    view.setEnabled(true);
    view.input.focus();
    if (sessionId && socket.connected) recordConsent();
  }

  function recordConsent() {
    socket.emit("ally_consent", { notice_version: NOTICE_VERSION }, (ack) => {
      if (ack && ack.ok && consent) {
        consent = { ...consent, session_id: sessionId, recorded: true };
        writeConsent(consent);
      }
    });
  }

  function setTyping(on) {
    clearTimeout(typingTimer);
    view.setTyping(on);
    if (on) typingTimer = setTimeout(() => view.setTyping(false), TYPING_TIMEOUT_MS);
  }

  function retireReplies() {
    for (const button of activeReplies) button.disabled = true;
    activeReplies = [];
  }

  function onReply(reply, button) {
    if (button.disabled) return;
    button.classList.add("ally-reply-chosen");
    sendMessage(reply.payload, reply.title);
  }

  function show(message, interactive) {
    const buttons = view.addMessage(message, interactive ? onReply : null);
    if (buttons.length) {
      retireReplies();
      activeReplies = buttons;
    }
  }

  function sendMessage(payload, shown) {
    const text = String(payload || "");
    if (!consented || !text.trim()) return;
    retireReplies();
    view.addMessage({ sender: "person", text: shown || text, buttons: [] });
    const item = { id: newMessageId(), text, sent: false };
    pending.push(item);
    if (sessionId && socket.connected) emitMessage(item);
    setTyping(true);
    view.input.focus();
  }

  function emitMessage(item) {
    const payload = { message: item.text, session_id: sessionId, message_id: item.id };
    if (item.sent) payload.resent = true;
    item.sent = true;
    socket.emit("user_uttered", payload, (ack) => {
      if (ack && ack.message_id === item.id) pending = pending.filter((p) => p !== item);
    });
  }

  function flushPending() {
    for (const item of pending) emitMessage(item);
  }

  const socket = io(server, {
    path: "/socket.io",
    transports: ["websocket", "polling"],
    reconnectionDelayMax: 10000,
  });

  socket.on("connect", () => {
    view.setState("connected");
    socket.emit("session_request", { session_id: read(SESSION_KEY) });
  });

  socket.on("session_confirm", (data) => {
    const id = typeof data === "string" ? data : data && data.session_id;
    if (!id) return;
    const stored = read(SESSION_KEY);
    const known = consent && consent.session_id;
    if ((stored && stored !== id) || (known && known !== id)) {
      // A new conversation (for example after "delete my data"): forget the old one entirely.
      view.replaceLog(() => {});
      forget(CONSENT_KEY);
      consent = null;
      consented = false;
      activeReplies = [];
      pending = []; // they belonged to the old conversation, never to be sent into the new one
    }
    write(SESSION_KEY, id);
    sessionId = id;
    if (consented && consent && !consent.session_id) {
      consent = { ...consent, session_id: id };
      writeConsent(consent);
    }
    if (!consented) showNotice();
    socket.emit("ally_history_request", { session_id: id });
    if (consented && consent && !consent.recorded) recordConsent();
    flushPending();
  });

  socket.on("ally_history", (data) => {
    if (!data || data.session_id !== sessionId || !Array.isArray(data.messages)) return;
    if (!data.messages.length) return;
    const messages = data.messages.map(fromHistory);
    view.replaceLog(() => {
      activeReplies = [];
      messages.forEach((message, index) => {
        const last = index === messages.length - 1 && message.sender !== "person";
        const buttons = view.addMessage(message, onReply);
        if (last) activeReplies = buttons;
        else for (const button of buttons) button.disabled = true;
      });
    });
  });

  socket.on("bot_uttered", (payload) => {
    setTyping(false);
    show(fromBotUttered(payload || {}), true);
  });

  function lost() {
    view.setState(navigator.onLine === false ? "offline" : "reconnecting");
  }
  socket.on("disconnect", (reason) => {
    lost();
    // The server closed the connection on purpose: socket.io does not retry by itself then.
    if (reason === "io server disconnect") socket.connect();
  });
  socket.on("connect_error", lost);
  socket.io.on("reconnect_attempt", lost);
  window.addEventListener("offline", lost);
  window.addEventListener("online", () => {
    if (socket.connected) {
      view.setState("connected");
    } else {
      view.setState("reconnecting");
      socket.connect();
    }
  });

  view.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = view.input.value;
    if (!text.trim()) return;
    sendMessage(text);
    view.input.value = "";
  });

  if (consented) view.setEnabled(true);
  else showNotice();

  return { socket, view, help };
}
