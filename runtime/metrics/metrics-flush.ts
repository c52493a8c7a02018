import type { DatadogConfig } from '../config';
import { isExtensionInstalled } from '../extension/presence';
import { log } from '../log';
import { sendDatagrams } from './dogstatsd-socket';
import { drainPoints } from './metrics-buffer';
import { dogstatsdLine, forwarderLine, packDatagrams } from './wire-format';

/** Where metrics actually go once `auto` is decided. */
export type MetricsDestination = 'dogstatsd' | 'log' | 'none';

// A healthy loopback send completes in microseconds; this only bounds a sick kernel buffer.
const SEND_TIMEOUT_MS = 100;

/** `auto` means DogStatsD to the extension when it is installed, else the Forwarder's log lines. */
export function metricsDestination(config: DatadogConfig): MetricsDestination {
  if (config.metricsExporter !== 'auto') return config.metricsExporter;
  return isExtensionInstalled(config.extensionPath) ? 'dogstatsd' : 'log';
}

/**
 * Sends every buffered point: as few DogStatsD datagrams as fit, or one stdout write of
 * Forwarder lines, or nowhere. Never rejects, never calls Datadog's API.
 */
export async function flushMetrics(config: DatadogConfig): Promise<void> {
  const points = drainPoints();
  if (points.length === 0) return;
  try {
    const destination = metricsDestination(config);
    if (destination === 'dogstatsd') {
      const { datagrams, oversized } = packDatagrams(points.map(dogstatsdLine));
      if (oversized.length > 0) log.debug(`dropping ${oversized.length} metric line(s) longer than one datagram`);
      await sendDatagrams(datagrams, config.dogstatsdHost, config.dogstatsdPort, Math.min(SEND_TIMEOUT_MS, config.flushTimeoutMs));
    } else if (destination === 'log') {
      process.stdout.write(points.map((point) => `${forwarderLine(point)}\n`).join(''));
    }
  } catch (error) {
    log.debug('could not flush metrics', error);
  }
}
