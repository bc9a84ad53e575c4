/** Whether a Tauri backend is present (false in a plain browser tab). */
import { isTauri as tauriIsTauri } from "@tauri-apps/api/core";

export function isTauri(): boolean {
  return tauriIsTauri();
}
