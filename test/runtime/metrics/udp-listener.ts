import { createSocket, type Socket } from 'node:dgram';
import { closeMetricsSocket } from '../../../runtime/metrics/dogstatsd-socket';
import { drainPoints } from '../../../runtime/metrics/metrics-buffer';
import type { AddressInfo } from 'node:net';

/** A DogStatsD line as the extension's parser reads it. */
export interface ParsedLine {
  readonly name: string;
  readonly value: number;
  readonly type: string;
  readonly tags: string[];
  readonly timestamp?: number;
}

/** Parses `name:value|type|#tags|T<seconds>`; the optional fields may come in any order. */
export function parseLine(line: string): ParsedLine {
  const [head, type, ...fields] = line.split('|');
  const colon = head.indexOf(':');
  let tags: string[] = [];
  let timestamp: number | undefined;
  for (const field of fields) {
    if (field.startsWith('#')) tags = field.slice(1).split(',');
    else if (field.startsWith('T')) timestamp = Number(field.slice(1));
  }
  return { name: head.slice(0, colon), value: Number(head.slice(colon + 1)), type, tags, timestamp };
}

/** A DogStatsD stand-in on 127.0.0.1, a free port: records every datagram. */
export class UdpListener {
  readonly datagrams: Buffer[] = [];
  #waiters: Array<() => void> = [];

  private constructor(private readonly socket: Socket) {
    socket.on('message', (message) => {
      this.datagrams.push(message);
      for (const wake of this.#waiters) wake();
    });
  }

  static async start(): Promise<UdpListener> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new UdpListener(socket);
  }

  get port(): number {
    return (this.socket.address() as AddressInfo).port;
  }

  /** Every line received, across datagrams, in order. */
  lines(): string[] {
    return this.datagrams.flatMap((datagram) => datagram.toString('utf8').split('\n'));
  }

  parsed(): ParsedLine[] {
    return this.lines().map(parseLine);
  }

  /** Resolves once `count` lines arrived, or after `timeoutMs` with whatever came. */
  async waitForLines(count: number, timeoutMs = 1000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines().length < count && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.#waiters = [];
    }
    return this.lines();
  }

  /** Lets already-sent datagrams be read, then returns the lines (for asserting absence). */
  async settle(ms = 50): Promise<string[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.lines();
  }

  reset(): void {
    this.datagrams.length = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/**
 * Gives the enclosing `describe` a listener: started before its tests, emptied (with the
 * metrics buffer) before each, closed after them along with the metrics socket.
 */
export function useUdpListener(): () => UdpListener {
  let listener: UdpListener | undefined;
  beforeAll(async () => {
    listener = await UdpListener.start();
  });
  afterAll(async () => {
    closeMetricsSocket();
    await listener?.close();
  });
  beforeEach(() => {
    listener?.reset();
    drainPoints();
  });
  return () => listener!;
}
