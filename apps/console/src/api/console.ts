/**
 * The console's client instance. The CSRF token lives here (set from each `me` answer) rather than
 * in React state, so a call made from any page carries the current one.
 */
import { createConsoleClient, type ConsoleError } from './console-client.js';

let csrfToken: string | null = null;
let sessionLost: ((error: ConsoleError) => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The app's router listens here: a lost session goes back to the sign-in page. */
export function listenForSessionLoss(listener: (error: ConsoleError) => void): () => void {
  sessionLost = listener;
  return () => {
    if (sessionLost === listener) sessionLost = null;
  };
}

export const callConsole = createConsoleClient({
  fetch: (input, init) => fetch(input, init),
  csrfToken: () => csrfToken,
  onSessionLost: (error) => sessionLost?.(error),
});
