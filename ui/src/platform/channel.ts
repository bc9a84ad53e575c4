/**
 * Tauri channels: the backend streams a long operation's progress into one, message by
 * message, in order. Only this module builds them.
 */
import { Channel } from "@tauri-apps/api/core";

/** A channel that hands every message to `onMessage`. */
export function messageChannel<T>(onMessage: (message: T) => void): Channel<T> {
  const channel = new Channel<T>();
  channel.onmessage = onMessage;
  return channel;
}
