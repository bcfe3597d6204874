// The widget's DOM: header with connection state and the help control, the conversation log,
// the typing indicator and the message form. Messages are rendered as text, never as HTML.
import { appendRichText, el, uid } from "./dom.js";

const STATES = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Connection lost. Reconnecting…",
  offline: "You're offline. Ally will reconnect when you're back online.",
};

/** Normalise quick replies or buttons to [{title, payload}]. */
function normaliseButtons(buttons) {
  if (!Array.isArray(buttons)) return [];
  return buttons
    .filter((b) => b && typeof b === "object" && (b.title || b.payload))
    .map((b) => ({ title: String(b.title || b.payload), payload: String(b.payload || b.title) }));
}

/** Turn a bot_uttered payload into a message {sender, text, supporter_name, buttons}. */
export function fromBotUttered(payload) {
  const meta = payload && typeof payload.metadata === "object" && payload.metadata ? payload.metadata : {};
  const sender = meta.sender === "supporter" || meta.sender === "system" ? meta.sender : "bot";
  return {
    sender,
    text: payload && typeof payload.text === "string" ? payload.text : "",
    supporter_name: meta.supporter_name,
    buttons: normaliseButtons((payload && (payload.quick_replies || payload.buttons)) || []),
  };
}

/** Normalise one message of an ally_history answer. */
export function fromHistory(message) {
  const sender = ["person", "bot", "supporter", "system"].includes(message && message.sender)
    ? message.sender
    : "bot";
  return {
    sender,
    text: message && typeof message.text === "string" ? message.text : "",
    supporter_name: message && message.supporter_name,
    buttons: normaliseButtons(message && message.buttons),
  };
}

export function buildView(root, { title, embedded }) {
  root.classList.add("ally");
  if (embedded) root.classList.add("ally-embedded");
  const inputId = uid("ally-input");

  const header = el("header", { class: "ally-header" });
  const heading = el(embedded ? "h2" : "h1", { class: "ally-title" }, title);
  const status = el("p", { class: "ally-status", role: "status", "data-state": "connecting" }, STATES.connecting);
  const helpButton = el(
    "button",
    { type: "button", class: "ally-button ally-help-button", "aria-haspopup": "dialog" },
    "Need urgent help?",
  );
  header.append(heading, status, helpButton);

  const body = el("div", { class: "ally-body" });
  const log = el("div", {
    class: "ally-log",
    role: "log",
    "aria-live": "polite",
    "aria-label": "Conversation",
  });
  const typing = el("div", { class: "ally-typing", "aria-hidden": "true", hidden: true });
  typing.append(el("span", { class: "ally-typing-label" }, `${title} is typing`));
  for (let i = 0; i < 3; i += 1) typing.append(el("span", { class: "ally-dot" }));
  body.append(log, typing);

  const form = el("form", { class: "ally-form" });
  const label = el("label", { for: inputId, class: "ally-visually-hidden" }, "Type your message");
  const input = el("input", {
    id: inputId,
    class: "ally-input",
    type: "text",
    autocomplete: "off",
    maxlength: "4000",
    "aria-label": "Type your message",
    placeholder: "Type your message…",
  });
  const send = el("button", { type: "submit", class: "ally-button ally-send" }, "Send");
  form.append(label, input, send);
  root.replaceChildren(header, body, form);

  function scrollToEnd() {
    body.scrollTop = body.scrollHeight;
  }

  function who(message) {
    if (message.sender === "person") return el("span", { class: "ally-visually-hidden" }, "You said: ");
    if (message.sender === "supporter") {
      const name = typeof message.supporter_name === "string" ? message.supporter_name.trim().slice(0, 60) : "";
      return el("span", { class: "ally-who" }, name ? `Supporter ${name}` : "Supporter");
    }
    if (message.sender === "system") return el("span", { class: "ally-visually-hidden" }, "Notice: ");
    return el("span", { class: "ally-visually-hidden" }, `${title} said: `);
  }

  /** Append a message; returns its quick-reply buttons (possibly empty). */
  function addMessage(message, onReply) {
    if (!message.text && !message.buttons.length) return [];
    const item = el("div", { class: `ally-msg ally-msg-${message.sender}` });
    item.append(who(message));
    if (message.text) {
      const text = el("span", { class: "ally-text" });
      appendRichText(text, message.text);
      item.append(text);
    }
    const buttons = [];
    if (message.buttons.length && onReply) {
      const group = el("div", { class: "ally-replies", role: "group", "aria-label": "Quick replies" });
      for (const reply of message.buttons) {
        const button = el("button", { type: "button", class: "ally-button ally-reply" }, reply.title);
        button.addEventListener("click", () => onReply(reply, button));
        group.append(button);
        buttons.push(button);
      }
      item.append(group);
    }
    log.append(item);
    scrollToEnd();
    return buttons;
  }

  /** Replace the log without announcing every old message to screen readers. */
  function replaceLog(render) {
    log.setAttribute("aria-live", "off");
    log.replaceChildren();
    render();
    scrollToEnd();
    // Re-enable announcements after this frame, for the messages that follow.
    setTimeout(() => log.setAttribute("aria-live", "polite"), 0);
  }

  function setState(state) {
    if (status.dataset.state === state) return;
    status.dataset.state = state;
    status.textContent = STATES[state];
  }

  function setTyping(on) {
    typing.hidden = !on;
    if (on) scrollToEnd();
  }

  function setEnabled(enabled) {
    input.disabled = !enabled;
    send.disabled = !enabled;
  }

  return { root, body, log, input, form, helpButton, addMessage, replaceLog, setState, setTyping, setEnabled, scrollToEnd };
}
