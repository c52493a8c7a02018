import { EndpointHealth } from '../../../runtime/extension/endpoint-health';

describe('EndpointHealth', () => {
  let now = 0;
  const health = () => new EndpointHealth(() => now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it('is available and uses the cold floor until a request succeeds', () => {
    const h = health();
    expect(h.isAvailable()).toBe(true);
    expect(h.timeoutFor(50)).toBe(500);
    h.succeeded();
    expect(h.timeoutFor(50)).toBe(50);
    expect(h.timeoutFor(800)).toBe(800);
  });

  it('rides out one failure, then backs off exponentially from 1 s to at most 60 s, and resets on success', () => {
    const h = health();
    h.failed();
    expect(h.isAvailable()).toBe(true);
    const windows: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      h.failed();
      let wait = 0;
      while (!h.isAvailable()) {
        now += 100;
        wait += 100;
      }
      windows.push(wait);
    }
    expect(windows).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    h.succeeded();
    expect(h.consecutiveFailures).toBe(0);
    h.failed();
    expect(h.isAvailable()).toBe(true);
    h.failed();
    now += 999;
    expect(h.isAvailable()).toBe(false);
    now += 1;
    expect(h.isAvailable()).toBe(true);
  });
});
