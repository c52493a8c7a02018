import type * as Dgram from 'node:dgram';
import { builtin } from '../builtins';
import { globalSlot } from '../global-state';
import { log } from '../log';

/**
 * The one UDP socket metrics go out on: created on the first send (nothing at import time),
 * `unref`'d so it never keeps the process alive, shared by every copy of the library.
 */
type DgramModule = typeof Dgram;

interface SocketSlot {
  socket?: Dgram.Socket;
  type?: Dgram.SocketType;
}

let dgram: DgramModule | undefined;

/** Loads `node:dgram` on first use. */
function loadDgram(): DgramModule {
  return (dgram ??= builtin<DgramModule>('node:dgram'));
}

function slot(): SocketSlot {
  return globalSlot<SocketSlot>('metrics-socket', () => ({}));
}

function socketFor(host: string): Dgram.Socket {
  const state = slot();
  const type: Dgram.SocketType = host.includes(':') ? 'udp6' : 'udp4';
  if (state.socket && state.type === type) return state.socket;
  closeMetricsSocket();
  const socket = loadDgram().createSocket(type);
  socket.unref();
  // An unhandled 'error' event would crash the process; drop the socket and make a new one next time.
  socket.on('error', (error) => {
    log.debug('metrics socket failed; recreating it on the next send', error);
    if (slot().socket === socket) closeMetricsSocket();
  });
  state.socket = socket;
  state.type = type;
  return socket;
}

/**
 * Sends each datagram and resolves once all are handed to the kernel, or after `timeoutMs`,
 * whichever comes first. Never rejects; failures are logged at debug.
 */
export async function sendDatagrams(datagrams: readonly string[], host: string, port: number, timeoutMs: number): Promise<void> {
  if (datagrams.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    const socket = socketFor(host);
    const sent = datagrams.map(
      (datagram) =>
        new Promise<void>((resolve) => {
          socket.send(datagram, port, host, (error) => {
            if (error) log.debug(`could not send metrics to ${host}:${port}`, error);
            resolve();
          });
        }),
    );
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log.debug(`metrics were not sent within ${timeoutMs} ms; not waiting`);
        resolve();
      }, timeoutMs);
      timer.unref();
    });
    await Promise.race([Promise.all(sent), deadline]);
  } catch (error) {
    log.debug('could not send metrics', error);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes the metrics socket (tests, shutdown); the next send opens a new one. */
export function closeMetricsSocket(): void {
  const state = slot();
  const socket = state.socket;
  state.socket = undefined;
  state.type = undefined;
  try {
    socket?.close();
  } catch (error) {
    // Already closed.
    log.debug('metrics socket close failed', error);
  }
}
