import type { DatadogConfig } from '../config';
import { globalSlot } from '../global-state';
import { log } from '../log';
import { awsSdkIntegration } from './aws-sdk';
import { fetchIntegration } from './fetch';
import { httpIntegration } from './http';
import type { Integration } from './integration';
import { logsIntegration } from './logs';

/** Every zero-code integration, in one place. Each file in this folder is one integration. */
const INTEGRATIONS: readonly Integration[] = [
  httpIntegration,
  fetchIntegration,
  awsSdkIntegration,
  logsIntegration,
];

/**
 * Enables the integrations the config switches on, once per process (shared by every copy of
 * the library in a bundle). A failing integration is logged and skipped; the others still run.
 */
export function enableIntegrations(config: DatadogConfig): void {
  if (!config.traceEnabled) return;
  const enabled = globalSlot('integrations', () => new Set<string>());
  for (const integration of INTEGRATIONS) {
    if (!config.integrations[integration.name] || enabled.has(integration.name)) continue;
    enabled.add(integration.name);
    try {
      integration.enable(config);
    } catch (error) {
      log.warn(`the ${integration.name} integration could not be enabled; its calls are not traced`, error);
    }
  }
}
