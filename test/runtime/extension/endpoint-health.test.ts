import { EndpointHealth } from '../../../runtime/extension/endpoint-health';
import { setLogLevel } from '../../../runtime/log';

describe('EndpointHealth', () => {
  let now = 0;
  let warn: jest.SpyInstance;
  const health = () => new EndpointHealth({ route: 'end-invocation', impact: 'the extension cannot build the aws.lambda span', now: () => now });
  const warnings = () => warn.mock.calls.map(([line]) => JSON.parse(line as string) as { level: string; message: string });
  /** How long the route stays unavailable from now, in 100 ms steps. */
  const window = (h: EndpointHealth) => {
    let wait = 0;
    while (!h.isAvailable()) {
      now += 100;
      wait += 100;
    }
    return wait;
  };

  beforeEach(() => {
    now = 1_000_000;
    setLogLevel('warn');
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('gives the long first budget only to the first attempt, and only when it opens the first connection', () => {
    const fresh = health();
    expect(fresh.timeoutFor(100, true)).toBe(500);
    expect(fresh.timeoutFor(100, true)).toBe(100);
    expect(fresh.timeoutFor(800, true)).toBe(800);

    const preconnected = health();
    expect(preconnected.timeoutFor(100, false)).toBe(100);
    expect(preconnected.timeoutFor(100, true)).toBe(100);
  });

  it('never gives the long budget to a route that has already failed', () => {
    const h = health();
    h.failed('fast', 0.2);
    expect(h.timeoutFor(100, true)).toBe(100);
  });

  it('rides out one timeout, then backs off exponentially from 1 s to at most 60 s, and resets on success', () => {
    const h = health();
    h.failed('timeout', 100);
    expect(h.isAvailable()).toBe(true);
    const windows: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      h.failed('timeout', 100);
      windows.push(window(h));
    }
    expect(windows).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    h.succeeded();
    expect(h.consecutiveFailures).toBe(0);
    h.failed('timeout', 100);
    expect(h.isAvailable()).toBe(true);
    h.failed('timeout', 100);
    now += 999;
    expect(h.isAvailable()).toBe(false);
    now += 1;
    expect(h.isAvailable()).toBe(true);
  });

  it('counts the failures of concurrent attempts that end inside the window as one outage', () => {
    const h = health();
    for (let i = 0; i < 10; i += 1) h.failed('timeout', 100);
    expect(window(h)).toBe(1000);
    h.failed('timeout', 100);
    expect(window(h)).toBe(2000);
  });

  it('probes a route that fails at once every 500 ms, however long it fails, so traces resume within 2 s of its return', () => {
    const h = health();
    const windows: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      h.failed('fast', 0.3);
      windows.push(window(h));
    }
    expect(windows).toEqual([0, 500, 500, 500, 500, 500, 500, 500, 500, 500]);
  });

  it('logs one warning when it starts backing off, naming the route and the cost, and one when it recovers', () => {
    const h = health();
    h.failed('timeout', 101.4);
    expect(warnings()).toEqual([]);
    h.failed('timeout', 100.2, new Error('no response within 100 ms'));
    for (let i = 0; i < 5; i += 1) {
      window(h);
      h.failed('timeout', 100);
    }
    h.succeeded();
    h.succeeded();

    expect(warnings()).toHaveLength(2);
    const [backOff, recovered] = warnings();
    expect(backOff!.level).toBe('warn');
    expect(backOff!.message).toMatch(/end-invocation failed 2 times \(each cost 100 ms\); backing off, probing after 1000 ms, then less often/);
    expect(backOff!.message).toMatch(/the extension cannot build the aws\.lambda span/);
    expect(recovered!.message).toMatch(/end-invocation answers again/);
  });

  it('probes every 500 ms a route whose timeouts delayed no invocation (the unawaited trace PUT), and says so', () => {
    const h = health();
    const windows: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      h.failed('timeout', 0);
      windows.push(window(h));
    }
    expect(windows).toEqual([0, 500, 500, 500, 500]);
    expect(warnings()[0]!.message).toMatch(/invocations did not wait\); backing off, probing every 500 ms/);
  });
});
