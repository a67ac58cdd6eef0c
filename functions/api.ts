import { handle } from 'hono/aws-lambda';
import { loadAwsDeps, logLambdaContext } from '../adapters/aws-deps';
import { awsVerifier } from '../adapters/aws-verifier';
import { createApi } from '../api/app';

type ApiHandler = ReturnType<typeof handle>;

/**
 * The HTTP API behind API Gateway (the Cognito authorizer checks tokens first; the app checks again).
 * It starts executions and answers task tokens, so it has the Step Functions engine, whose SDK
 * client is imported on its first call (a read never makes one), and the Cognito identity provider,
 * which keeps the user pool in step with the directory (its SDK client too on first use). Its AWS SDK clients are not
 * traced: the X-Ray SDK would take the bundle over its size budget.
 */
let app: Promise<ApiHandler> | undefined;
export const handler: ApiHandler = async (event, context) => {
  if (!app) {
    app = loadAwsDeps({
      stepFunctions: () => import('../adapters/workflow/step-functions'),
      identity: () => import('../adapters/identity/cognito'),
    }).then((deps) => handle(createApi(deps, awsVerifier())));
    app.catch(() => (app = undefined)); // a bad configuration fails this request and is read again on the next
  }
  const ready = await app;
  logLambdaContext(context);
  return ready(event, context);
};
