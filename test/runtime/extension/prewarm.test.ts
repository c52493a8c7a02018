import { wrapHandler } from '../../../runtime';
import { globalState } from '../../../runtime/global-state';
import { ExtensionEmulator } from '../../../runtime/testing';

describe('prewarm', () => {
  let extension: ExtensionEmulator;
  beforeEach(async () => {
    globalState().slots.delete('prewarm');
    extension = await ExtensionEmulator.start();
  });
  afterEach(() => extension.close());

  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
  /** Polls until `predicate` holds (the machine may be busy), failing after 5 s. */
  async function eventually(predicate: () => boolean): Promise<void> {
    for (const started = Date.now(); !predicate(); await settle()) {
      if (Date.now() - started > 5000) throw new Error('condition not met within 5 s');
    }
  }

  it('warms the HTTP client once, after the module has loaded, with a GET /info to the trace agent', async () => {
    wrapHandler(async () => 1, extension.config());
    wrapHandler(async () => 2, extension.config());
    expect(extension.received).toEqual([]); // nothing during the synchronous init code

    await eventually(() => extension.received.length > 0);
    await settle();

    expect(extension.received).toEqual(['info']);
  });

  it('does nothing without the extension or with tracing disabled', async () => {
    wrapHandler(async () => 1, { ...extension.config(), extensionPath: '/nonexistent' });
    await settle();
    globalState().slots.delete('prewarm');
    wrapHandler(async () => 1, { ...extension.config(), traceEnabled: false });
    await settle();

    expect(extension.received).toEqual([]);
  });
});
