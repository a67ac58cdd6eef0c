import { handle } from 'hono/aws-lambda';
import { awsDeps, awsVerifier } from '../adapters/aws-deps';
import { createApi } from '../api/app';

/** The HTTP API behind API Gateway (the Cognito authorizer checks tokens first; the app checks again). */
let app: ReturnType<typeof handle> | undefined;
export const handler: ReturnType<typeof handle> = (event, context) => {
  app ??= handle(createApi(awsDeps(), awsVerifier()));
  return app(event, context);
};
