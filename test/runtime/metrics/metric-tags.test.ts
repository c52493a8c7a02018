import { resolveConfig } from '../../../runtime/config';
import { globalTags, MAX_TAGS, mergeTags, normalizeTags, sanitizeTag } from '../../../runtime/metrics/metric-tags';

describe('sanitizeTag', () => {
  it('replaces characters that would break a DogStatsD line with underscores', () => {
    expect(sanitizeTag('customer:acme|corp,#1 ok')).toBe('customer:acme_corp__1_ok');
    expect(sanitizeTag('path:/orders/v1.2-beta_x')).toBe('path:/orders/v1.2-beta_x');
  });

  it('keeps letters of any script', () => {
    expect(sanitizeTag('ville:Zürich')).toBe('ville:Zürich');
  });

  it('rejects empty, key-less and over-long tags', () => {
    expect(sanitizeTag('  ')).toBeUndefined();
    expect(sanitizeTag(':value')).toBeUndefined();
    expect(sanitizeTag(`k:${'v'.repeat(199)}`)).toBeUndefined();
    expect(sanitizeTag(`k:${'v'.repeat(198)}`)).toHaveLength(200);
  });
});

describe('normalizeTags', () => {
  it('accepts a record and counts what it dropped', () => {
    expect(normalizeTags({ channel: 'web', retries: 2, cached: true })).toEqual({ tags: ['channel:web', 'retries:2', 'cached:true'], dropped: 0 });
    expect(normalizeTags(['ok:1', 42 as unknown as string, '', 'bare'])).toEqual({ tags: ['ok:1', 'bare'], dropped: 2 });
    expect(normalizeTags(undefined)).toEqual({ tags: [], dropped: 0 });
  });
});

describe('globalTags', () => {
  it('has DD_TAGS, service, env and version, the last three winning over DD_TAGS', () => {
    const config = resolveConfig({ service: 'orders', env: 'prod', version: '1.2.3' }, { DD_TAGS: 'team:payments,env:ignored' });
    expect(globalTags(config)).toEqual(['team:payments', 'env:prod', 'service:orders', 'version:1.2.3']);
  });

  it('leaves out env and version when unset', () => {
    expect(globalTags(resolveConfig({ service: 'orders' }, {}))).toEqual(['service:orders']);
  });
});

describe('mergeTags', () => {
  it('puts global tags first, removes duplicates and stops at the extension limit', () => {
    expect(mergeTags(['service:a'], ['x:1', 'service:a'])).toEqual({ tags: ['service:a', 'x:1'], dropped: 0 });
    const many = Array.from({ length: 120 }, (_, i) => `t:${i}`);
    const merged = mergeTags(['service:a'], many);
    expect(merged.tags).toHaveLength(MAX_TAGS);
    expect(merged.tags[0]).toBe('service:a');
    expect(merged.dropped).toBe(21);
  });
});
