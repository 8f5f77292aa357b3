/** The public entry of features/auth: other features import from here only (see .oxlintrc.json). */
export { useSession } from "./hooks/useSession";
