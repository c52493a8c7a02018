/**
 * One Lambda function of the local run: its own extension (an `ExtensionEmulator`, as every
 * function has its own), its own tracer provider with its own service, and the handler
 * wrapped exactly as `DatadogTracedFunction` wraps it. All functions share this process, so
 * before each invocation the function's provider becomes the current one: what a separate
 * Lambda sandbox would give it.
 */
import { context as otelContext, trace } from '@opentelemetry/api';
import { LambdaContextManager } from '../../runtime/tracing/context-manager';
import type { Context } from 'aws-lambda';
import { createTracerProvider, setTracerProvider, wrapHandler, type DatadogTracerProvider } from '../../runtime';
import { createLambdaContext, ExtensionEmulator, type DecodedSpan } from '../../runtime/testing';

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

export class LocalFunction<E, R> {
  private constructor(
    readonly name: string,
    private readonly extension: ExtensionEmulator,
    private readonly provider: DatadogTracerProvider,
    private readonly handler: Handler<E, R>,
  ) {}

  /** Starts the function's extension; `name` is its function name and service. */
  static async start<E, R>(name: string, handler: Handler<E, R>): Promise<LocalFunction<E, R>> {
    // Once per process: spans find their parent across `await`.
    otelContext.setGlobalContextManager(new LambdaContextManager().enable());
    const extension = await ExtensionEmulator.start({ service: name, functionName: name });
    const config = { ...extension.config(), service: name };
    const provider = createTracerProvider({ config, registerGlobal: false });
    return new LocalFunction(name, extension, provider, wrapHandler(handler, config));
  }

  /** One invocation, as the Lambda runtime makes it. */
  invoke(event: E): Promise<R> {
    trace.disable();
    trace.setGlobalTracerProvider(this.provider);
    setTracerProvider(this.provider);
    return this.handler(event, createLambdaContext({ functionName: this.name, memoryLimitInMB: '256', logStreamName: 'local' }));
  }

  /** Everything this function's extension received or built. */
  spans(): DecodedSpan[] {
    return this.extension.spans();
  }

  close(): Promise<void> {
    return this.extension.close();
  }
}
