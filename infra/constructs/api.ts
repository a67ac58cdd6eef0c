import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { encryptedLogGroup, type LogSettings } from './log-group';

/**
 * The routes that need no token, each with why: the OpenAPI document, and the calendar feed,
 * whose secret key in the URL is its credential (calendar apps cannot send a bearer token; the
 * app checks the key and answers 404 for a wrong one). The access log records the route, never
 * the query string, so the key is not logged.
 */
export const PUBLIC_ROUTES = {
  'GET /openapi.json': 'The OpenAPI document is public by design: it describes the API and holds no data.',
  'GET /me/calendar.ics': 'The calendar feed is authorised by the secret key in its URL (calendar apps send no token); the app answers 404 to a wrong key.',
} as const;

export interface ApiProps {
  handler: lambda.IFunction;
  userPool: cognito.IUserPool;
  userPoolClient: cognito.IUserPoolClient;
  logs: LogSettings;
  /** Steady-state requests per second and burst for the whole stage. */
  throttle: { rateLimit: number; burstLimit: number };
}

/**
 * The HTTP API: one Lambda (functions/api.ts) serves every route. API Gateway
 * checks the Cognito JWT on `ANY /{proxy+}`; the API code checks roles
 * itself. Access logs are JSON, in an encrypted log group.
 */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Trajectregie API',
      createDefaultStage: false,
    });
    const accessLogs = encryptedLogGroup(this, 'AccessLogs', props.logs);
    this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            responseLength: '$context.responseLength',
            user: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const integration = new HttpLambdaIntegration('ApiIntegration', props.handler);
    const authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', props.userPool, {
      userPoolClients: [props.userPoolClient],
    });
    for (const [routeKey, why] of Object.entries(PUBLIC_ROUTES)) {
      const [method, path] = routeKey.split(' ') as [keyof typeof apigw.HttpMethod, string];
      const [route] = this.httpApi.addRoutes({ path, methods: [apigw.HttpMethod[method]], integration });
      acknowledge(route!, why, 'AwsSolutions-APIG4');
    }
    this.httpApi.addRoutes({ path: '/{proxy+}', methods: [apigw.HttpMethod.ANY], integration, authorizer });
  }
}
