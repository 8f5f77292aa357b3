/** A code as typed from an authenticator app, which some apps show as "123 456", and the message
 * to show at the field when it is not six digits. */
export function readCode(typed: string): { code: string; error?: string } {
  const code = typed.replace(/\s/g, "");
  return /^\d{6}$/.test(code)
    ? { code }
    : { code, error: "Enter the 6 digits your authenticator app shows." };
}
