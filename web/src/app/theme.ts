/** Light/dark theme: follows the system until the user picks one, then remembers the choice. */
export type ThemeChoice = "light" | "dark";

const STORAGE_KEY = "loan-engine.theme";

export function storedTheme(): ThemeChoice | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === "light" || value === "dark" ? value : null;
  } catch {
    return null;
  }
}

export function systemTheme(): ThemeChoice {
  return globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function effectiveTheme(): ThemeChoice {
  return storedTheme() ?? systemTheme();
}

export function applyTheme(choice: ThemeChoice | null): void {
  const root = document.documentElement;
  if (choice) root.dataset.theme = choice;
  else delete root.dataset.theme;
  try {
    if (choice) localStorage.setItem(STORAGE_KEY, choice);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage can be unavailable (private mode, blocked cookies); the theme still applies.
  }
}
