import { percentile, shuffled, subtractSummaries, summarize } from '../../bench/stats';

describe('percentile', () => {
  it('interpolates linearly between closest ranks', () => {
    // GIVEN 1..5: rank of p25 = 1 → 2; p90 = 3.6 → 4.6
    expect(percentile([1, 2, 3, 4, 5], 25)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5], 90)).toBeCloseTo(4.6);
    expect(percentile([10, 20], 50)).toBe(15);
  });

  it('returns the extremes at 0 and 100 and NaN when empty', () => {
    expect(percentile([3, 7, 9], 0)).toBe(3);
    expect(percentile([3, 7, 9], 100)).toBe(9);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarize', () => {
  it('sorts a copy before taking percentiles', () => {
    const values = [5, 1, 4, 2, 3];
    const summary = summarize(values);
    expect(summary).toMatchObject({ n: 5, min: 1, p50: 3, max: 5, p25: 2, p75: 4 });
    expect(values).toEqual([5, 1, 4, 2, 3]);
  });
});

describe('subtractSummaries', () => {
  it('subtracts the baseline percentile by percentile', () => {
    const delta = subtractSummaries(summarize([10, 20, 30]), summarize([1, 2, 3]));
    expect(delta.p50).toBe(18);
    expect(delta.min).toBe(9);
    expect(delta.n).toBe(3);
  });
});

describe('shuffled', () => {
  it('returns a permutation and leaves the input alone', () => {
    const items = [1, 2, 3, 4, 5, 6];
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const result = shuffled(items, random);
    expect([...result].sort()).toEqual(items);
    expect(result).not.toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
