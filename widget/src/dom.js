// Small DOM helpers. Text always goes in through textContent or text nodes, never innerHTML.

let counter = 0;

/** Return a page-unique id with `prefix`, so several widgets can share a page. */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Create an element with attributes and optional text content. */
export function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(key, value === true ? "" : String(value));
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

const LINK = /\[([^\]\n]{1,300})\]\(([^()\s]{1,2000})\)/g;

/** Return the normalised URL if `raw` is an absolute http(s) URL, else null. */
export function safeHref(raw) {
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Append `text` to `parent` as text nodes; Markdown-style links [text](url) become links
 * only for http(s) URLs. Anything else, HTML included, stays literal text.
 */
export function appendRichText(parent, text) {
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const href = safeHref(match[2]);
    if (!href) continue;
    parent.append(document.createTextNode(text.slice(last, match.index)));
    const link = el("a", { href, rel: "noopener noreferrer", target: "_blank" }, match[1]);
    link.append(el("span", { class: "ally-visually-hidden" }, " (opens in a new tab)"));
    parent.append(link);
    last = match.index + match[0].length;
  }
  parent.append(document.createTextNode(text.slice(last)));
}
