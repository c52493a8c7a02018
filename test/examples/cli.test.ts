import { main, traceUrl } from '../../examples/cli';
import { preserveEnv } from '../helpers/env';

describe('examples CLI', () => {
  preserveEnv();
  let errors: string[];
  beforeEach(() => {
    errors = [];
    jest.spyOn(console, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
    for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'CDK_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'DD_API_KEY', 'DD_API_KEY_SECRET_ARN']) {
      delete process.env[name];
    }
  });
  afterEach(() => jest.restoreAllMocks());

  it.each([
    [[], /usage: npm run <deploy\|invoke\|destroy>/],
    [['deploy'], /no example named/],
    [['deploy', 'sqs-everything'], /unknown example 'sqs-everything'/],
    [['deploy', 'sqs-lambda'], /No AWS region: set AWS_REGION/],
    [['invoke', 'sqs-lambda', '--payload', '{oops'], /--payload must be JSON, got '\{oops'/],
  ])('exits 2 with a clear message for %p', async (argv, message) => {
    await expect(main(argv)).resolves.toBe(2);
    expect(errors.join('\n')).toMatch(message);
  });

  it('asks for credentials, then for the API key, before deploying anything', async () => {
    process.env.AWS_REGION = 'eu-west-1';
    await expect(main(['deploy', 'sqs-producer'])).resolves.toBe(2);
    expect(errors.pop()).toMatch(/No AWS credentials/);
    process.env.AWS_PROFILE = 'dev';
    await expect(main(['deploy', 'sqs-producer'])).resolves.toBe(2);
    expect(errors.pop()).toMatch(/No Datadog API key: set DD_API_KEY_SECRET_ARN/);
  });

  it('links the trace search on the chosen Datadog site', () => {
    expect(traceUrl('datadoghq.com', 'abc-1')).toBe('https://app.datadoghq.com/apm/traces?query=%40request_id%3Aabc-1');
    expect(traceUrl('datadoghq.eu', 'r')).toMatch(/^https:\/\/app\.datadoghq\.eu\//);
    expect(traceUrl('us5.datadoghq.com', 'r')).toMatch(/^https:\/\/us5\.datadoghq\.com\//);
  });
});
