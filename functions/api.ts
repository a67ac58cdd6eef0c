import { SFNClient } from '@aws-sdk/client-sfn';
import { handle } from 'hono/aws-lambda';
import { awsDeps, awsVerifier, logLambdaContext } from '../adapters/aws-deps';
import { StepFunctionsEngine } from '../adapters/workflow/step-functions';
import { createApi } from '../api/app';

/**
 * The HTTP API behind API Gateway (the Cognito authorizer checks tokens first; the app checks again).
 * It starts executions and answers task tokens, so it has the Step Functions engine. Its AWS SDK
 * clients are not traced: the X-Ray SDK would take the bundle over its size budget.
 */
let app: ReturnType<typeof handle> | undefined;
export const handler: ReturnType<typeof handle> = (event, context) => {
  app ??= handle(createApi(awsDeps({ stepFunctions: { SFNClient, StepFunctionsEngine } }), awsVerifier()));
  logLambdaContext(context);
  return app(event, context);
};
