/** The testing kit's Lambda context, under the name the tests use. */
export { createLambdaContext as lambdaContext } from '../../runtime/testing/lambda-context';
