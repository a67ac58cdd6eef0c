import { App, type AppProps, Tags } from 'aws-cdk-lib';
import { readConfig, type InfraConfig } from './config';
import { applyNagPacks } from './nag';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export interface TrajectregieApp {
  app: App;
  config: InfraConfig;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/**
 * Builds the app: the stateful and the stateless stack, configured from
 * context (see config.ts). With `nag` (the default) the cdk-nag AwsSolutions
 * and Serverless packs run at synthesis, and an unacknowledged finding fails it.
 */
export function createApp(props: AppProps & { nag?: boolean } = {}): TrajectregieApp {
  const app = new App(props);
  const config = readConfig(app.node);
  const env = { account: config.account, region: config.region };

  const stateful = new StatefulStack(app, `${config.stackPrefix}-Stateful`, {
    env,
    description: 'Trajectregie: key, table and user pool (retained on delete)',
    terminationProtection: true,
  });
  const stateless = new StatelessStack(app, `${config.stackPrefix}-Stateless`, {
    env,
    description: 'Trajectregie: functions, API, state machine, scheduler, mail and alarms',
    config,
    key: stateful.key,
    table: stateful.table,
    auth: stateful.auth,
  });
  Tags.of(app).add('application', 'trajectregie');

  if (props.nag ?? true) {
    applyNagPacks(app);
  }
  return { app, config, stateful, stateless };
}
