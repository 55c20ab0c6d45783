/**
 * The kiosk's center address in tests: a TCP relay to whichever center port it is given (TLS stays end to end).
 * With no port behind it, every new connection is closed at once, as a center that is down looks to a kiosk;
 * `to()` cuts every open connection, so the next call goes to the new target (or finds none).
 */
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export interface TcpRelay {
  url: string;
  to(port: number | undefined): void;
  close(): Promise<void>;
}

export async function startTcpRelay(port?: number): Promise<TcpRelay> {
  let target = port;
  const open = new Set<Socket>();
  const server = createServer((kiosk) => {
    if (target === undefined) return void kiosk.destroy();
    open.add(kiosk);
    const center = createConnection({ host: '127.0.0.1', port: target });
    kiosk.pipe(center).pipe(kiosk);
    const drop = () => {
      open.delete(kiosk);
      kiosk.destroy();
      center.destroy();
    };
    kiosk.on('close', drop).on('error', drop);
    center.on('close', drop).on('error', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    to(next) {
      target = next;
      for (const s of open) s.destroy();
    },
    close: () => {
      for (const s of open) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
