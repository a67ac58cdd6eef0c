/**
 * Metrics: CloudWatch embedded metric format through Powertools on AWS (no API call, no IAM);
 * locally the same figures go to the log.
 */
import type { Logger, Metrics } from '../core/ports';

/**
 * Powertools Metrics, imported and set up on the first gauge: only tick publishes one, so no
 * other function (nor the local runtime, which imports this module) evaluates it.
 */
export function cloudWatchMetrics(): Metrics {
  let publisher: Promise<(name: string, value: number) => void> | undefined;
  const connect = () => {
    publisher ??= import('@aws-lambda-powertools/metrics').then(({ Metrics: PowertoolsMetrics, MetricUnit }) => {
      const metrics = new PowertoolsMetrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Trajectregie', serviceName: 'trajectregie' });
      return (name: string, value: number) => {
        metrics.addMetric(name, MetricUnit.Count, value);
        metrics.publishStoredMetrics();
      };
    });
    publisher.catch(() => (publisher = undefined));
    return publisher;
  };
  return {
    // A gauge at zero is not published: CloudWatch bills a custom metric only for the hours it
    // receives data, and the alarms treat missing data as fine, so an idle deployment (nothing
    // past its escalation) pays nothing for it.
    gauge: async (name, value) => {
      if (value > 0) (await connect())(name, value);
    },
  };
}

export function logMetrics(logger: Logger): Metrics {
  return { gauge: async (name, value) => logger.info('metric', { metric: name, value }) };
}
