/**
 * Per-invocation cost of metrics: a wrapped no-op handler without metrics, with one count,
 * and with 20 tagged distributions, sent over DogStatsD to a loopback UDP listener (no
 * extension, so nothing else runs at the end of the invocation). Also the first flush of the
 * process, which loads `node:dgram` and creates the socket.
 *
 *   unset NODE_EXTRA_CA_CERTS; npx tsx bench/metrics-flush.ts [iterations]
 */
import { createSocket } from 'node:dgram';
import { incrementMetric, sendDistributionMetric, wrapHandler, type WrapHandlerOptions } from '../runtime';
import { closeMetricsSocket } from '../runtime/metrics/dogstatsd-socket';

const iterations = Number(process.argv[2] ?? 5000);

async function main(): Promise<void> {
  const listener = createSocket('udp4');
  let received = 0;
  listener.on('message', () => (received += 1));
  await new Promise<void>((resolve) => listener.bind(0, '127.0.0.1', resolve));
  const options: WrapHandlerOptions = {
    extensionPath: '/nonexistent/datadog-agent',
    metricsExporter: 'dogstatsd',
    dogstatsdPort: listener.address().port,
    service: 'bench',
    env: 'prod',
    tags: { team: 'payments' },
  };
  const context = { awsRequestId: 'bench', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench', memoryLimitInMB: '1024' };

  const scenarios: Array<[string, () => void]> = [
    ['no metrics', () => undefined],
    ['1 count', () => incrementMetric('bench.orders.created')],
    ['20 distributions, 2 tags each', () => {
      for (let i = 0; i < 20; i += 1) sendDistributionMetric('bench.orders.value', i, ['currency:eur', `shard:${i % 4}`]);
    }],
  ];

  // A flush that has to create and bind the socket (the first of the process; dgram already loaded).
  const first = wrapHandler(async () => incrementMetric('bench.first'), options);
  for (let i = 0; i < 200; i += 1) await first({}, context);
  const fresh: number[] = [];
  for (let i = 0; i < 200; i += 1) {
    closeMetricsSocket();
    const start = process.hrtime.bigint();
    await first({}, context);
    fresh.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  report('1 count, new socket each time', fresh);

  for (const [name, body] of scenarios) {
    const handler = wrapHandler(async () => body(), options);
    for (let i = 0; i < 500; i += 1) await handler({}, context);
    const samples: number[] = [];
    for (let i = 0; i < iterations; i += 1) {
      const start = process.hrtime.bigint();
      await handler({}, context);
      samples.push(Number(process.hrtime.bigint() - start) / 1e3);
    }
    report(name, samples);
  }
  // The in-process listener cannot keep up with a tight loop (the kernel drops the excess); this only shows lines arrive.
  await new Promise((resolve) => setTimeout(resolve, 50));
  console.log(`datagrams read by the listener: ${received}`);
  closeMetricsSocket();
  listener.close();
}

function report(name: string, samples: number[]): void {
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.floor(q * (samples.length - 1))].toFixed(1);
  console.log(`${name.padEnd(32)} median ${at(0.5)} µs  p90 ${at(0.9)} µs  p99 ${at(0.99)} µs per invocation`);
}

void main();
