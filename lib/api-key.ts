import { Annotations, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { DD_ENV, WARNING_PREFIX } from './constants';
import { ConfigurationError, show } from './errors';

/** What a key source adds to a function: one environment variable (the grants are already made). */
export interface DatadogApiKeyBinding {
  /** `DD_API_KEY_SECRET_ARN`, `DD_API_KEY_SSM_ARN`, `DD_KMS_API_KEY` or `DD_API_KEY`. */
  readonly variable: string;
  /** Its value. */
  readonly value: string;
}

const SECRET_ARN = /^arn:[\w-]+:secretsmanager:[\w-]+:\d{12}:secret:.+$/;

/**
 * Where the Datadog Lambda Extension finds the Datadog API key: exactly one source per function.
 *
 * Each source grants the function the least it needs to read the key, on the function's own
 * role, so one `DatadogApiKey` can be shared by any number of functions.
 *
 * @example
 * const secret = secretsmanager.Secret.fromSecretNameV2(this, 'DdKey', 'datadog/api-key');
 * new DatadogTracedFunction(this, 'Orders', {
 *   entry: 'src/orders.ts',
 *   datadog: { service: 'orders', apiKey: DatadogApiKey.fromSecret(secret) },
 * });
 */
export abstract class DatadogApiKey {
  /**
   * The key is the plain-text value of a Secrets Manager secret (`DD_API_KEY_SECRET_ARN`).
   * Grants `secretsmanager:GetSecretValue` on that secret only: its exact ARN when known, else
   * `<partial ARN>-??????` (a secret imported by name or partial ARN); and `kms:Decrypt` on the
   * secret's key when it has one.
   */
  static fromSecret(secret: secretsmanager.ISecret): DatadogApiKey {
    return new (class extends DatadogApiKey {
      bind(fn: lambda.Function): DatadogApiKeyBinding {
        grantGetSecretValue(fn, secret.secretFullArn ? [secret.secretFullArn] : [`${secret.secretArn}-??????`]);
        secret.encryptionKey?.grantDecrypt(fn);
        return { variable: DD_ENV.API_KEY_SECRET_ARN, value: secret.secretArn };
      }
    })();
  }

  /**
   * The key is the value of the secret with this ARN (`DD_API_KEY_SECRET_ARN`), complete (with
   * the 6-character suffix) or partial. Grants `secretsmanager:GetSecretValue` on the ARN and on
   * `<ARN>-??????`, which together match either form. A customer-managed KMS key is not known
   * here: use `fromSecret(Secret.fromSecretAttributes(..., { encryptionKey }))` for one.
   */
  static fromSecretArn(secretArn: string): DatadogApiKey {
    return new (class extends DatadogApiKey {
      bind(fn: lambda.Function): DatadogApiKeyBinding {
        if (!Token.isUnresolved(secretArn) && !SECRET_ARN.test(secretArn)) {
          throw new ConfigurationError(fn, `\`DatadogApiKey.fromSecretArn\` ${show(secretArn)} is not a Secrets Manager secret ARN. Use arn:<partition>:secretsmanager:<region>:<account>:secret:<name>, or fromSecret(Secret.fromSecretNameV2(...)).`);
        }
        grantGetSecretValue(fn, [secretArn, `${secretArn}-??????`]);
        return { variable: DD_ENV.API_KEY_SECRET_ARN, value: secretArn };
      }
    })();
  }

  /**
   * The key is the value of an SSM parameter, usually a SecureString (`DD_API_KEY_SSM_ARN`).
   * Grants read on the parameter (`parameter.grantRead`), which includes `kms:Decrypt` when the
   * parameter was imported with its `encryptionKey`. The AWS-managed `aws/ssm` key needs no grant.
   */
  static fromSsmParameter(parameter: ssm.IParameter): DatadogApiKey {
    return new (class extends DatadogApiKey {
      bind(fn: lambda.Function): DatadogApiKeyBinding {
        parameter.grantRead(fn);
        return { variable: DD_ENV.API_KEY_SSM_ARN, value: parameter.parameterArn };
      }
    })();
  }

  /**
   * The key is this base64 KMS ciphertext (`DD_KMS_API_KEY`), decrypted by the extension at
   * start. Grants `kms:Decrypt` on `key`.
   */
  static fromKmsEncrypted(ciphertext: string, key: kms.IKey): DatadogApiKey {
    return new (class extends DatadogApiKey {
      bind(fn: lambda.Function): DatadogApiKeyBinding {
        if (!Token.isUnresolved(ciphertext) && !/^[A-Za-z0-9+/]+={0,2}$/.test(ciphertext)) {
          throw new ConfigurationError(fn, '`DatadogApiKey.fromKmsEncrypted` ciphertext is not base64. Pass the CiphertextBlob of `aws kms encrypt`, base64-encoded.');
        }
        key.grantDecrypt(fn);
        return { variable: DD_ENV.KMS_API_KEY, value: ciphertext };
      }
    })();
  }

  /**
   * The key itself, in plain text (`DD_API_KEY`). Anyone who can read the template or the
   * function configuration can read it, so synth warns; prefer `fromSecret`.
   */
  static fromPlainText(apiKey: string): DatadogApiKey {
    return new (class extends DatadogApiKey {
      bind(fn: lambda.Function): DatadogApiKeyBinding {
        if (!Token.isUnresolved(apiKey) && (typeof apiKey !== 'string' || apiKey.trim() === '')) {
          throw new ConfigurationError(fn, '`DatadogApiKey.fromPlainText` was given an empty key. Pass the key, or better, use DatadogApiKey.fromSecret(...).');
        }
        Annotations.of(fn).addWarningV2(
          `${WARNING_PREFIX}:plainTextApiKey`,
          'The Datadog API key is in plain text (DatadogApiKey.fromPlainText): it is visible in the template and the function configuration. Prefer DatadogApiKey.fromSecret(...).',
        );
        return { variable: DD_ENV.API_KEY, value: apiKey };
      }
    })();
  }

  /**
   * Grants `fn` read access to the key and returns the variable that points the extension at it.
   * Called once per function by `DatadogTracedFunction` and `instrumentFunction`.
   */
  abstract bind(fn: lambda.Function): DatadogApiKeyBinding;
}

function grantGetSecretValue(fn: lambda.Function, resources: string[]): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources }));
}
