// A TCP hop between a client and a real server, which a test can cut: `down()` ends every
// connection through it and refuses new ones (the server is out of reach, as when it restarts or
// the network fails), `up()` lets connections through again on the same port. The server behind
// it is the real one: only the path to it is cut.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The port to connect to instead of the server's. */
  readonly port: number;
  /** Ends every connection through the proxy and stops listening: connections are refused. */
  down(): Promise<void>;
  /** Listens again, on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export const tcpProxy = async (target: { readonly host: string; readonly port: number }): Promise<TcpProxy> => {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const pair = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) s.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  };
  const up = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer(pair);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const down = async () => {
    const s = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await up();
  return {
    get port() {
      return port;
    },
    down,
    up,
    close: down,
  };
};
