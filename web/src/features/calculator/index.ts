/** The public entry of features/calculator: other features import from here only (see .oxlintrc.json). */
export { useDebouncedValue } from "./hooks/useDebouncedValue";
