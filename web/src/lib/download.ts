/**
 * Hands a file the API produced (a CSV schedule, a PDF notice) to the browser's download, under the
 * name the server gave it. Fetched with the session, so a plain link would not do.
 */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked a moment later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
