import type { IConstruct } from 'constructs';

/**
 * A construct was configured in a way that cannot work. Thrown at synth time, before anything
 * is deployed; the message names the prop, the problem, the value and the fix, and ends with the
 * construct path so the user can find the call site in a large app.
 *
 * (aws-cdk-lib's own `ValidationError` does the same but is internal to aws-cdk-lib.)
 */
export class ConfigurationError extends Error {
  /** The path of the construct that was misconfigured, e.g. `OrdersStack/Orders`. */
  readonly constructPath: string;

  /**
   * @param scope the misconfigured construct, or its path when the construct does not exist yet
   * @param message prop → problem → value → fix
   */
  constructor(scope: IConstruct | string, message: string) {
    const constructPath = typeof scope === 'string' ? scope : scope.node.path;
    super(`${message} (at ${constructPath})`);
    this.name = 'ConfigurationError';
    this.constructPath = constructPath;
  }
}

/** The path a construct will have once created: for errors raised before `super()`. */
export function pathOf(scope: IConstruct, id: string): string {
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}

/** Renders a user value for an error message. */
export function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value) ?? String(value);
}
