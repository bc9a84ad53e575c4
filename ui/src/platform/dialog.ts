/**
 * The native file dialogs (tauri-plugin-dialog). Each returns the chosen path, or null when
 * the user cancels; nothing here reads or writes the file itself.
 */
import { open, save } from "@tauri-apps/plugin-dialog";

export type FileFilter = { name: string; extensions: string[] };

/** One existing file to open. */
export async function chooseFile(options: {
  title: string;
  filters?: FileFilter[];
  defaultPath?: string;
}): Promise<string | null> {
  const chosen = await open({ ...options, multiple: false, directory: false });
  return typeof chosen === "string" ? chosen : null;
}

/** One existing folder. */
export async function chooseFolder(options: {
  title: string;
  defaultPath?: string;
}): Promise<string | null> {
  const chosen = await open({ ...options, multiple: false, directory: true });
  return typeof chosen === "string" ? chosen : null;
}

/** A file to write (it may not exist yet). */
export async function chooseSaveFile(options: {
  title: string;
  filters?: FileFilter[];
  defaultPath?: string;
}): Promise<string | null> {
  return await save(options);
}
