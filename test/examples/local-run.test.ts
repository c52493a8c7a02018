import { main } from '../../examples/local/run';

describe('npm start (examples/local/run.ts)', () => {
  it('runs both examples and exits 0 with connected traces', async () => {
    const lines: string[] = [];

    const code = await main({ write: (line) => lines.push(line), color: false });

    const output = lines.join('\n');
    expect(code).toBe(0);
    expect(output).not.toContain('✘');
    expect(output).not.toContain('\u001b[');
    // The tree of the first example: producer → send → consumer.
    expect(output).toMatch(/ts-sqs-producer {2}aws\.lambda[^\n]*\n└─ ts-sqs-producer-aws-sqs {2}aws\.request {2}sendMessage [^\n]*\n {3}└─ python-sqs-consumer {2}aws\.lambda/);
    // The batch: three records under one consumer invocation, two linked to the other producers' traces.
    expect(output.match(/aws\.sqs\.process/g)).toHaveLength(3);
    expect(output.match(/↪ linked to python-sqs-producer-aws-sqs aws\.request/g)).toHaveLength(2);
    expect(output).toContain('error: order order-3 has no items');
  });
});
