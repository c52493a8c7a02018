/**
 * Trace and span ids. OTel holds them as lowercase hex (32 and 16 chars); Datadog puts
 * unsigned 64-bit integers on the wire and carries the high half of a 128-bit trace id as
 * `_dd.p.tid` (16 hex chars).
 */
const U64_MAX = (1n << 64n) - 1n;
const ZERO_16 = '0000000000000000';

/**
 * 16 random hex chars from `Math.random` (V8's xorshift128+), as OpenTelemetry's own
 * RandomIdGenerator makes the ids of every span the SDK starts. Ids need to be unique, not
 * secret; `node:crypto` would cost ≈ 2–3 ms to load on the first invocation.
 */
function randomHex16(): string {
  // Two 32-bit halves: a double carries 53 random bits, so one call cannot fill 64.
  return randomHex8() + randomHex8();
}

function randomHex8(): string {
  return Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
}

/** A random, non-zero 64-bit span id as 16 hex chars. */
export function newSpanId(): string {
  for (;;) {
    const id = randomHex16();
    if (id !== ZERO_16) return id;
  }
}

/**
 * A new 128-bit trace id as 32 hex chars, Datadog style: the high half is
 * `<32-bit unix seconds><32 zero bits>`, the low half random and non-zero.
 */
export function newTraceId(nowMs: number = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000).toString(16).padStart(8, '0');
  return `${seconds}00000000${newSpanId()}`;
}

/** Parses a decimal unsigned 64-bit id; undefined when malformed, zero or out of range. */
export function decimalIdToHex(decimal: string | undefined): string | undefined {
  if (decimal === undefined || !/^\d{1,20}$/.test(decimal)) return undefined;
  const value = BigInt(decimal);
  if (value === 0n || value > U64_MAX) return undefined;
  return value.toString(16).padStart(16, '0');
}

/** 16 hex chars → decimal string, as Datadog headers carry ids. */
export function hexIdToDecimal(hex: string): string {
  return BigInt(`0x${hex}`).toString(10);
}

/** True for exactly 16 hex chars that are not all zero. */
export function isValidHexSpanId(hex: string | undefined): hex is string {
  return hex !== undefined && /^[0-9a-f]{16}$/.test(hex) && hex !== ZERO_16;
}

/** True for exactly 32 lowercase hex chars that are not all zero. */
export function isValidHexTraceId(hex: string | undefined): hex is string {
  return hex !== undefined && /^[0-9a-f]{32}$/.test(hex) && !/^0+$/.test(hex);
}

/** Splits a 32-hex trace id into its high and low 16-hex halves. */
export function splitTraceId(traceId: string): { high: string; low: string } {
  return { high: traceId.slice(0, 16), low: traceId.slice(16) };
}

export function hexToBigInt(hex: string): bigint {
  return BigInt(`0x${hex}`);
}

export const ZERO_HIGH_BITS = ZERO_16;
