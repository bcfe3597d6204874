// Entry point of the chat page ("/"): mounts every [data-ally-widget] element.
import { mount } from "./chat.js";

function mountAll() {
  for (const root of document.querySelectorAll("[data-ally-widget]")) {
    const helpId = root.dataset.helpId;
    mount(root, {
      server: root.dataset.server || window.location.origin,
      title: root.dataset.title,
      locale: root.dataset.locale,
      helpContent: helpId ? document.getElementById(helpId) : null,
    });
  }
}

window.Ally = { mount };
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
else mountAll();
