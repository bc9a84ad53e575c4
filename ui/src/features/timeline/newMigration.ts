/**
 * A new migration's name, checked as the backend checks it (`new_migration` in
 * src-tauri/src/timeline.rs and `normalize_name` in strata-core's source/new.rs) so the dialog
 * says what is wrong before the request is sent; the backend checks again. The rule shown to
 * the user: letters, digits, spaces, `_` and `-`, at least one letter or digit. The file name
 * is the name in lowercase snake_case, computed here exactly as the engine does.
 */

/** Why `name` cannot be used, or null when it can. */
export function migrationNameProblem(name: string): string | null {
  if (name.trim() === "") {
    return "Enter a name for the migration, for example “create users”.";
  }
  if (/[\\/]/.test(name) || name.includes("..")) {
    return "A name cannot hold “/”, “\\” or “..”: the files are always made in the project’s migrations folder.";
  }
  const bad = [...new Set(name.replace(/[A-Za-z0-9 _-]/g, ""))];
  if (bad.length > 0) {
    const shown = bad
      .slice(0, 5)
      .map((c) => `“${c}”`)
      .join(" ");
    return `Use only letters a–z, digits, spaces, “_” and “-” (not ${shown}): the name becomes the file name.`;
  }
  if (normalizeMigrationName(name) === null) {
    return "The name needs at least one letter or digit.";
  }
  return null;
}

/**
 * Lowercase snake_case ASCII, as the engine names the files: letters and digits kept, a word
 * break (space, punctuation, camelCase) becomes one `_`. Null when nothing is left.
 */
export function normalizeMigrationName(name: string): string | null {
  let out = "";
  let pendingBreak = false;
  let prevLowerOrDigit = false;
  for (const c of name) {
    const isUpper = c >= "A" && c <= "Z";
    const isLower = c >= "a" && c <= "z";
    const isDigit = c >= "0" && c <= "9";
    if (isUpper || isLower || isDigit) {
      if (isUpper && prevLowerOrDigit) pendingBreak = true;
      if (pendingBreak && out !== "") out += "_";
      pendingBreak = false;
      out += c.toLowerCase();
      prevLowerOrDigit = isLower || isDigit;
    } else {
      pendingBreak = true;
      prevLowerOrDigit = false;
    }
  }
  return out === "" ? null : out;
}
