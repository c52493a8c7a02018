import { Client } from '@smithy/core/client';

/**
 * A Step Functions client as `@aws-sdk/client-sfn` presents itself to our middleware (a smithy
 * `Client` with `serviceId: 'SFN'`, commands named `<Operation>Command`, the input handed to
 * the `initialize` step), speaking AWS JSON 1.0 to a local endpoint. The SFN client is not a
 * dependency of this repository; what the tracing reads of it is exactly this surface.
 */

type Input = Record<string, unknown>;
type Output = Record<string, unknown> & { $metadata: { httpStatusCode: number; requestId?: string } };

interface Stack {
  resolve(handler: (args: { input: object }) => Promise<{ output: Output }>, context: object): (command: SfnCommand) => Promise<{ output: Output }>;
}

export class SfnCommand {
  constructor(
    readonly operation: string,
    readonly input: Input,
  ) {}

  resolveMiddleware(stack: Stack, config: { endpoint: string }): (command: SfnCommand) => Promise<{ output: Output }> {
    return stack.resolve(
      async ({ input }) => {
        const response = await fetch(config.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${this.operation}` },
          body: JSON.stringify(input),
        });
        const output = (await response.json()) as Input;
        return { output: { ...output, $metadata: { httpStatusCode: response.status, requestId: response.headers.get('x-amzn-requestid') ?? undefined } } };
      },
      { clientName: 'SFNClient', commandName: `${this.operation}Command` },
    );
  }
}

export class SfnClient extends Client<never, never, never, never> {
  constructor(config: { endpoint: string; region: string }) {
    super({ ...config, serviceId: 'SFN' } as never);
  }

  start(operation: 'StartExecution' | 'StartSyncExecution' | 'DescribeStateMachine', input: Input): Promise<Output> {
    return this.send(new SfnCommand(operation, input) as never) as Promise<Output>;
  }
}
