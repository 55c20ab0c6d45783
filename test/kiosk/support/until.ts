/**
 * Polls `probe` until it gives a value (anything but undefined) and returns it; past `timeoutMs` the test fails,
 * naming what it waited for. The kiosk tests' one polling helper (a screen, a child's log line, a center row).
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
