// A small HTTP server on 127.0.0.1 serving fixed bytes, to test downloads without the internet.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  body?: Uint8Array;
  /** Redirect to this path (302). */
  redirectTo?: string;
  /** Announce a longer content-length than is sent, then cut the connection. */
  cutAfter?: number;
  status?: number;
  /** Fail the first n requests of this path (a reset connection or this HTTP status), then serve. */
  failFirst?: { times: number; with: 'reset' | number };
}

export interface LocalServer {
  baseUrl: string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startLocalServer(routes: Record<string, Route>): Promise<LocalServer> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const urlPath = request.url ?? '/';
    requests.push(urlPath);
    const route = routes[urlPath];
    if (!route) {
      response.writeHead(404).end('not found');
      return;
    }
    // No keep-alive: every request gets its own connection, closed after the response.
    response.setHeader('connection', 'close');
    if (route.failFirst) {
      const failed = requests.filter((requested) => requested === urlPath).length;
      if (failed <= route.failFirst.times) {
        if (route.failFirst.with === 'reset') request.socket.destroy();
        else response.writeHead(route.failFirst.with).end('try again');
        return;
      }
    }
    if (route.redirectTo) {
      response.writeHead(302, { location: route.redirectTo }).end();
      return;
    }
    const body = route.body ?? new Uint8Array(0);
    if (route.cutAfter !== undefined) {
      response.writeHead(200, { 'content-length': body.length });
      response.write(body.subarray(0, route.cutAfter), () => response.destroy());
      return;
    }
    response.writeHead(route.status ?? 200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
