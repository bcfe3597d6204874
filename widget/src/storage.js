// localStorage that never throws: private modes and blocked storage fall back to memory.

const memory = new Map();

export const SESSION_KEY = "ally.session_id";
export const CONSENT_KEY = "ally.consent";

export function read(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return memory.has(key) ? memory.get(key) : null;
  }
}

export function write(key, value) {
  memory.set(key, value);
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Storage blocked: the memory copy lasts until the page is closed.
  }
}

export function forget(key) {
  memory.delete(key);
  try {
    window.localStorage.removeItem(key);
  } catch {
    // Nothing stored to remove.
  }
}

/** The stored consent {notice_version, session_id, recorded}, or null. */
export function readConsent() {
  try {
    const value = JSON.parse(read(CONSENT_KEY) || "null");
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

export function writeConsent(consent) {
  write(CONSENT_KEY, JSON.stringify(consent));
}
