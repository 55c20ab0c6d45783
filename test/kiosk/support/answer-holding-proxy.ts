/**
 * A TCP relay on 127.0.0.1 in front of one center (the TLS stays end to end between kiosk and
 * center; the relay sees only bytes). It lets a test lose a center's answer: after `holdAnswers()`,
 * whatever the center sends on the connections already open is kept back, so the center can finish
 * a call (commit, store its idempotent result) while the kiosk hears nothing; killing the center
 * then closes those connections with the answer unsent — a lost answer, as a crash at the wrong
 * moment makes it. A center that is down shows as a connection closed at once.
 */
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export interface AnswerHoldingProxy {
  /** https://127.0.0.1:<port>: what the kiosk is configured with for this center. */
  url: string;
  /** From now on, bytes from the center on the connections open now never reach the kiosk. */
  holdAnswers(): void;
  /** Connections the kiosk opened since `holdAnswers()` (they are relayed normally). */
  connectionsSinceHold(): number;
  close(): Promise<void>;
}

export async function startAnswerHoldingProxy(centerPort: number): Promise<AnswerHoldingProxy> {
  const open = new Map<Socket, { held: boolean }>();
  let sinceHold: number | undefined;
  const server = createServer((kiosk) => {
    const state = { held: false };
    open.set(kiosk, state);
    if (sinceHold !== undefined) sinceHold++;
    const center = createConnection({ host: '127.0.0.1', port: centerPort });
    kiosk.on('data', (chunk: Buffer) => center.write(chunk));
    center.on('data', (chunk: Buffer) => {
      if (!state.held) kiosk.write(chunk);
    });
    // Either side gone: the other goes too, with nothing held passed on.
    const drop = () => {
      open.delete(kiosk);
      kiosk.destroy();
      center.destroy();
    };
    kiosk.on('close', drop).on('error', drop);
    center.on('close', drop).on('error', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    holdAnswers() {
      for (const state of open.values()) state.held = true;
      sinceHold = 0;
    },
    connectionsSinceHold: () => sinceHold ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open.keys()) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
