import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { encryptedLogGroup, type LogSettings } from './log-group';

/** The one route that needs no token: the OpenAPI document. */
export const PUBLIC_ROUTE = 'GET /openapi.json';

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
    const [publicRoute] = this.httpApi.addRoutes({ path: '/openapi.json', methods: [apigw.HttpMethod.GET], integration });
    this.httpApi.addRoutes({ path: '/{proxy+}', methods: [apigw.HttpMethod.ANY], integration, authorizer });

    acknowledge(
      publicRoute!,
      'The OpenAPI document is public by design: it describes the API and holds no data.',
      'AwsSolutions-APIG4',
    );
  }
}
