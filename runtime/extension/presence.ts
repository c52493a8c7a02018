import type * as Fs from 'node:fs';
import { builtin } from '../builtins';
import { globalSlot } from '../global-state';

/**
 * The extension is installed when its executable exists, as Datadog's Go, Ruby and JS
 * libraries check. Checked once per path per process: a layer cannot appear later.
 */
export function isExtensionInstalled(path: string): boolean {
  const cache = globalSlot('extension-presence', () => new Map<string, boolean>());
  let present = cache.get(path);
  if (present === undefined) {
    present = safeExists(path);
    cache.set(path, present);
  }
  return present;
}

function safeExists(path: string): boolean {
  try {
    return builtin<typeof Fs>('node:fs').existsSync(path);
  } catch {
    return false;
  }
}
