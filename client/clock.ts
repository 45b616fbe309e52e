/**
 * The client's clock, for the checks a client makes before it starts a workflow (is the applications window
 * open?). It is the real clock, which in production is the server's (both keep NTP time). Tests on the
 * time-skipping server set it to that server's clock, which skips ahead of the real one; workflows read the
 * server's time, so a client deciding by the real clock there would find every window still ahead.
 */
let source: () => number | Promise<number> = () => Date.now();

/** Epoch milliseconds, now. */
export async function clientNow(): Promise<number> {
  return source();
}

/** Replaces the clock (the time-skipping test server's); `undefined` restores the real one. */
export function useClientClock(clock: (() => number | Promise<number>) | undefined): void {
  source = clock ?? (() => Date.now());
}
