import { globalSlot } from '../global-state';

/**
 * Service names of inferred spans, as Datadog's Lambda libraries choose them:
 * `DD_SERVICE_MAPPING` for the specific resource (`my-queue:orders-queue`), then for the
 * trigger type (`lambda_sqs:queues`), then the generic name when
 * `DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED=false`, else the resource's own name.
 */
export const SERVICE_MAPPING_ENV = 'DD_SERVICE_MAPPING';
export const SERVICE_REPRESENTATION_ENV = 'DD_TRACE_AWS_SERVICE_REPRESENTATION_ENABLED';

interface ServiceNaming {
  readonly raw: string | undefined;
  readonly representation: string | undefined;
  readonly mapping: ReadonlyMap<string, string>;
  readonly useResourceNames: boolean;
}

/** Parsed once per distinct env value: the hot path is one string comparison. */
function naming(env: NodeJS.ProcessEnv): ServiceNaming {
  const raw = env[SERVICE_MAPPING_ENV];
  const representation = env[SERVICE_REPRESENTATION_ENV];
  const slot = globalSlot<{ current?: ServiceNaming }>('service-mapping', () => ({}));
  if (slot.current && slot.current.raw === raw && slot.current.representation === representation) return slot.current;
  const mapping = new Map<string, string>();
  for (const pair of (raw ?? '').split(',')) {
    const colon = pair.indexOf(':');
    if (colon <= 0) continue;
    const key = pair.slice(0, colon).trim();
    const value = pair.slice(colon + 1).trim();
    if (key && value) mapping.set(key, value);
  }
  const useResourceNames = !/^(false|0)$/i.test(representation?.trim() ?? '');
  slot.current = { raw, representation, mapping, useResourceNames };
  return slot.current;
}

/**
 * @param specific the resource's own name (queue, topic, API id…), also the mapping's specific key
 * @param generic the trigger's mapping key, e.g. `lambda_sqs`
 * @param fallback the generic service name, e.g. `sqs`
 * @param resourceName what the service is named after by default @default specific
 */
export function inferredServiceName(specific: string, generic: string, fallback: string, resourceName: string = specific, env: NodeJS.ProcessEnv = process.env): string {
  const { mapping, useResourceNames } = naming(env);
  return mapping.get(specific) ?? mapping.get(generic) ?? (useResourceNames && resourceName ? resourceName : fallback);
}
