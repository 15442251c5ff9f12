// The HTTP server: cached feeds are answered straight from node:http (Express costs more per
// request than sending the cached bytes); everything else goes to the Express app.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../context.js';
import { serveFeed } from '../feeds/serve-feed.js';
import { createApp } from './app.js';

/** How long a stop waits for requests under way before it closes their connections. */
const CLOSE_GRACE_MS = 10_000;

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startServer(ctx: AppContext, port = ctx.config.port, host = ctx.config.host): Promise<RunningServer> {
  const app = createApp(ctx);
  const server = createServer((req, res) => {
    try {
      if (serveFeed(ctx.feeds, req, res)) return;
    } catch {
      // An unknown feed or page: Express answers it again, with a problem document.
    }
    app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Requests under way get a grace period to finish; a client that keeps one open longer
        // must not keep the process from stopping.
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
        server.close((err) => {
          clearTimeout(force);
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
