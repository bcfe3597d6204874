// "Need urgent help?": a modal dialog with the locale's crisis resources.
// It traps focus while open, closes on Esc or its Close button, and gives focus back.
import { el, uid } from "./dom.js";
import FALLBACK from "./crisis-fallback.json";

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Build the resources section from the JSON of GET /api/crisis-resources. */
export function resourcesSection(data) {
  const titleId = uid("ally-help-title");
  const section = el("section", { class: "ally-help-panel", "aria-labelledby": titleId });
  section.append(el("h2", { id: titleId }, "Need urgent help?"));
  section.append(
    el("p", {}, `Ally is a chatbot, not an emergency service. If you are in danger right now, call ${data.emergency}.`),
  );
  const list = el("ul");
  for (const resource of data.resources || []) list.append(el("li", {}, resource.line));
  section.append(list);
  return section;
}

/** The baked-in copy of the crisis table, used when the server cannot be reached. */
export function fallbackResources(locale) {
  const key = String(locale || "").replace("_", "-").split("-").pop().toUpperCase();
  return FALLBACK[key] || FALLBACK.US;
}

/** Fetch the locale's resources from `server`; fall back to the baked-in table. */
export async function loadResources(server, locale) {
  const url = new URL("/api/crisis-resources", server);
  if (locale) url.searchParams.set("locale", locale);
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 8000);
    const response = await fetch(url.href, { signal: controller.signal, credentials: "omit" });
    clearTimeout(timer);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = await response.json();
    if (!data || !Array.isArray(data.resources)) throw new Error("bad resources");
    return data;
  } catch {
    return fallbackResources(locale);
  }
}

/** Wrap `content` (a section) in a modal dialog; returns {open, setContent}. */
export function createHelpDialog() {
  const dialog = el("dialog", { class: "ally-dialog" });
  const close = el("button", { type: "button", class: "ally-button ally-dialog-close" }, "Close");
  let opener = null;
  dialog.append(close);
  document.body.append(dialog);

  function setContent(section) {
    for (const old of dialog.querySelectorAll(".ally-help-panel")) old.remove();
    section.hidden = false;
    section.removeAttribute("tabindex");
    dialog.insertBefore(section, close);
    const heading = section.querySelector("h2");
    if (heading) {
      heading.tabIndex = -1;
      if (!heading.id) heading.id = uid("ally-help-title");
      dialog.setAttribute("aria-labelledby", heading.id);
    }
  }

  function open(from) {
    opener = from || document.activeElement;
    if (!dialog.open) dialog.showModal();
    const heading = dialog.querySelector("h2");
    (heading || close).focus();
  }

  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    if (opener && typeof opener.focus === "function") opener.focus();
    opener = null;
  });
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      dialog.close();
      return;
    }
    if (event.key !== "Tab") return;
    const items = [...dialog.querySelectorAll(FOCUSABLE)];
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    const inside = items.includes(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  });
  // A click on the backdrop (outside the dialog box) closes it too.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  return { open, setContent, element: dialog };
}
