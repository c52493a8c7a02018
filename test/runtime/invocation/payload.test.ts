import { errorHeaders, eventBody, MAX_BODY_BYTES, resultBody } from '../../../runtime/invocation/payload';

const decode = (value: string | undefined) => Buffer.from(value ?? '', 'base64').toString('utf8');

describe('eventBody', () => {
  it('is the event JSON', () => {
    expect(eventBody({ a: 1 })).toBe('{"a":1}');
  });

  it('is {} for what JSON cannot encode', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(eventBody(circular)).toBe('{}');
    expect(eventBody(undefined)).toBe('{}');
  });

  it('keeps headers and the first record without its body when the event is over 6 MiB', () => {
    const big = 'x'.repeat(MAX_BODY_BYTES);
    const event = { headers: { traceparent: 'tp' }, Records: [{ body: big, messageAttributes: { _datadog: {} } }, { body: 'second' }] };
    const body = eventBody(event);
    expect(body.length).toBeLessThan(1000);
    expect(JSON.parse(body)).toEqual({ headers: { traceparent: 'tp' }, Records: [{ messageAttributes: { _datadog: {} } }] });
  });

  it('counts bytes, not characters, for multi-byte text', () => {
    const emoji = '😀'.repeat(MAX_BODY_BYTES / 4 + 10); // over the limit in UTF-8 bytes only
    expect(eventBody({ headers: {}, emoji })).toBe('{"headers":{}}');
  });
});

describe('resultBody', () => {
  it.each([
    [undefined, '{}'],
    [null, '{}'],
    ['text', '"text"'],
    [{ statusCode: 200 }, '{"statusCode":200}'],
  ])('serializes %p as %s', (result, body) => {
    expect(resultBody(result)).toBe(body);
  });

  it('keeps only the status code when the rest cannot be sent', () => {
    const circular: Record<string, unknown> = { statusCode: 503 };
    circular.self = circular;
    expect(resultBody(circular)).toBe('{"statusCode":503}');
    expect(resultBody({ statusCode: 200, body: 'x'.repeat(MAX_BODY_BYTES) })).toBe('{"statusCode":200}');
    expect(resultBody({ value: 1n })).toBe('{}');
  });
});

describe('errorHeaders', () => {
  it('base64-encodes message, type and stack of an Error', () => {
    const headers = errorHeaders(new RangeError('größe überschritten'));
    expect(headers['x-datadog-invocation-error']).toBe('true');
    expect(decode(headers['x-datadog-invocation-error-msg'])).toBe('größe überschritten');
    expect(decode(headers['x-datadog-invocation-error-type'])).toBe('RangeError');
    expect(decode(headers['x-datadog-invocation-error-stack'])).toMatch(/^RangeError: größe/);
    for (const value of Object.values(headers)) expect(value).toMatch(/^[\x21-\x7e]+$/);
  });

  it('describes thrown non-errors without a stack', () => {
    const headers = errorHeaders('plain string');
    expect(decode(headers['x-datadog-invocation-error-msg'])).toBe('plain string');
    expect(decode(headers['x-datadog-invocation-error-type'])).toBe('string');
    expect(headers['x-datadog-invocation-error-stack']).toBeUndefined();
  });

  it('survives a value whose toString throws', () => {
    const hostile = { toString: () => { throw new Error('no'); } };
    expect(decode(errorHeaders(hostile)['x-datadog-invocation-error-msg'])).toBe('unknown error');
  });
});
