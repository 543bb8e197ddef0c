// The only door to the Rust side: Tauri's global `invoke`, `Channel` and `listen`
// (withGlobalTauri). Every command is granted per window by src-tauri/capabilities/*.json.

import { oneLanguage } from "./words.js";

const tauri = window.__TAURI__;

/** Calls a command; rejects with `{kind, message, problems}` (src-tauri/src/error.rs). */
export function invoke(cmd, args) {
  return tauri.core.invoke(cmd, args);
}

/** A channel whose messages go to `onMessage` (used for build progress). */
export function channel(onMessage) {
  const ch = new tauri.core.Channel();
  ch.onmessage = onMessage;
  return ch;
}

/** Listens for an event sent to this window. */
export function listen(event, handler) {
  return tauri.event.listen(event, (e) => handler(e.payload));
}

/** The words of an error from `invoke`, whatever its shape, in the UI's language only. */
export function errorText(e) {
  if (e && typeof e === "object" && "message" in e) return oneLanguage(e.message);
  return oneLanguage(String(e));
}
