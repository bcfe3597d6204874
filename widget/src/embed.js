// Entry point for host sites: <script src="https://ally.example/static/dist/embed.js"></script>
// configured by window.AllyConfig = {server, title, locale, container} set before it, or by
// data-server / data-title / data-locale / data-container attributes on the script tag.
import { mount } from "./chat.js";

const script = document.currentScript;

function config() {
  const given = window.AllyConfig && typeof window.AllyConfig === "object" ? window.AllyConfig : {};
  const data = (script && script.dataset) || {};
  const scriptOrigin = script && script.src ? new URL(script.src, window.location.href).origin : window.location.origin;
  return {
    server: String(given.server || data.server || scriptOrigin).replace(/\/+$/, ""),
    title: String(given.title || data.title || "Ally"),
    locale: String(given.locale || data.locale || ""),
    container: given.container || data.container || null,
  };
}

function addStylesheet(server) {
  const href = `${server}/static/dist/widget.css`;
  if (document.querySelector("link[data-ally-css]")) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  link.dataset.allyCss = "";
  document.head.append(link);
}

function start() {
  const options = config();
  addStylesheet(options.server);
  let root = null;
  if (options.container instanceof Element) root = options.container;
  else if (typeof options.container === "string") root = document.querySelector(options.container);
  if (!root) {
    root = document.createElement("section");
    root.setAttribute("aria-label", options.title);
    document.body.append(root);
  }
  window.Ally = { mount, widget: mount(root, { ...options, embedded: true }) };
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
