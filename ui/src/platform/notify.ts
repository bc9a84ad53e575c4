/**
 * OS notifications (tauri-plugin-notification), for results the user was not looking at: a
 * notification is sent only while the window is in the background, and only when the OS
 * allows it (permission is asked once, the first time one would be sent).
 */
import { isPermissionGranted, requestPermission, sendNotification } from "@tauri-apps/plugin-notification";

/** Whether the user is looking elsewhere (another window, or this one minimised). */
export function windowInBackground(): boolean {
  return document.hidden || !document.hasFocus();
}

/** Tell the OS about a finished task when the window is in the background; false when not sent. */
export async function notifyInBackground(title: string, body: string): Promise<boolean> {
  if (!windowInBackground()) return false;
  try {
    let granted = await isPermissionGranted();
    if (!granted) granted = (await requestPermission()) === "granted";
    if (!granted) return false;
    sendNotification({ title, body });
    return true;
  } catch {
    // No notification service (a bare session): the run view still shows the result.
    return false;
  }
}
