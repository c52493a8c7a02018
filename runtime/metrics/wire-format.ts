import type { MetricPoint } from './metric-point';

/**
 * Loopback UDP carries far more, but the extension reads each datagram into an 8 KiB buffer,
 * as the DogStatsD agent does by default.
 */
export const MAX_DATAGRAM_BYTES = 8192;

/** `name:value|type|#tags|T<unix seconds>`, as the extension's DogStatsD parser reads it. */
export function dogstatsdLine(point: MetricPoint): string {
  const tags = point.tags.length > 0 ? `|#${point.tags.join(',')}` : '';
  return `${point.name}:${point.value}|${point.type}${tags}|T${point.timestamp}`;
}

/** One line the Datadog Forwarder turns into a metric: `{"e":…,"m":…,"t":[…],"v":…}`. */
export function forwarderLine(point: MetricPoint): string {
  return JSON.stringify({ e: point.timestamp, m: point.name, t: point.tags, v: point.value });
}

/**
 * Packs lines into as few newline-separated datagrams as fit in `maxBytes` each, in order.
 * A single line over the limit cannot be sent: it is returned in `oversized` instead.
 */
export function packDatagrams(lines: readonly string[], maxBytes = MAX_DATAGRAM_BYTES): { datagrams: string[]; oversized: string[] } {
  const datagrams: string[] = [];
  const oversized: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const line of lines) {
    const bytes = Buffer.byteLength(line);
    if (bytes > maxBytes) {
      oversized.push(line);
      continue;
    }
    // +1 for the newline that joins it to the previous line.
    if (current.length > 0 && size + 1 + bytes > maxBytes) {
      datagrams.push(current.join('\n'));
      current = [];
      size = 0;
    }
    size += (current.length > 0 ? 1 : 0) + bytes;
    current.push(line);
  }
  if (current.length > 0) datagrams.push(current.join('\n'));
  return { datagrams, oversized };
}
