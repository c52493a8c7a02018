import type { DatadogConfig } from '../config';
import { isExtensionInstalled } from './presence';
import { globalSlot } from '../global-state';
import { log } from '../log';
import { loopbackRequest, preconnect } from '../transport/loopback-http';

/**
 * Warms the HTTP client once per process, right after the function's module has loaded:
 * opens the lifecycle connection and makes one request to the trace agent.
 *
 * A process's first request costs milliseconds (module loading, connect, first run of the
 * client code), which would otherwise land on the first invocation, where Lambda throttles
 * the CPU at small memory sizes. Deferred with `setImmediate`, the warm-up runs while the runtime
 * waits for its first event, not inside the init code being timed. `GET /info` is the trace
 * agent's read-only discovery route. Nothing else is created early: the tracer provider
 * stays lazy so an application can still register its own before the first invocation.
 */
export function schedulePrewarm(getConfig: () => DatadogConfig): void {
  const state = globalSlot('prewarm', () => ({ scheduled: false }));
  if (state.scheduled) return;
  state.scheduled = true;
  setImmediate(() => {
    try {
      const config = getConfig();
      if (!config.traceEnabled || !isExtensionInstalled(config.extensionPath)) return;
      if (config.universalInstrumentation) preconnect(`${config.extensionUrl}/lambda/start-invocation`);
      loopbackRequest({ url: `${config.traceAgentUrl}/info`, method: 'GET', headers: {}, body: '', timeoutMs: 1000, background: true }).catch((error) =>
        log.debug('prewarm request failed', error),
      );
    } catch (error) {
      log.debug('prewarm failed', error);
    }
  }).unref();
}
