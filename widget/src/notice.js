// The transparency notice shown before the first message. The person agrees before chatting.
import { el, uid } from "./dom.js";

// Bump when the text below changes in substance: everyone is asked again.
export const NOTICE_VERSION = "2026-11-25";

const POINTS = [
  "Ally is a chatbot, not a person and not a therapist. It runs short, scripted check-ins.",
  "What is stored: your messages and check-in answers (such as mood ratings and goals), linked " +
    "to a random conversation id kept in this browser.",
  "Who can see it: if a message suggests you may be at risk, trained human supporters see that " +
    "conversation so they can help you. Researchers only see pseudonymised data.",
  'Deleting your data: type "delete my data" at any time.',
  'Ally is not an emergency service. If you are in danger, use "Need urgent help?" at the top.',
];

/** Build the notice; `onAgree` runs when the person agrees. */
export function buildNotice(onAgree) {
  const titleId = uid("ally-notice-title");
  const notice = el("section", { class: "ally-notice", "aria-labelledby": titleId });
  notice.append(el("h2", { id: titleId, class: "ally-notice-title", tabindex: "-1" }, "Before you start"));
  const list = el("ul");
  for (const point of POINTS) list.append(el("li", {}, point));
  const agree = el("button", { type: "button", class: "ally-button ally-agree" }, "I understand, start chatting");
  agree.addEventListener("click", onAgree);
  notice.append(list, agree);
  return notice;
}
