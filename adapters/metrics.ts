/**
 * Metrics: CloudWatch embedded metric format through Powertools on AWS (no API call, no IAM);
 * locally the same figures go to the log.
 */
import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger, Metrics } from '../core/ports';

export function cloudWatchMetrics(): Metrics {
  const metrics = new PowertoolsMetrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Trajectregie', serviceName: 'trajectregie' });
  return {
    gauge: async (name, value) => {
      metrics.addMetric(name, MetricUnit.Count, value);
      metrics.publishStoredMetrics();
    },
  };
}

export function logMetrics(logger: Logger): Metrics {
  return { gauge: async (name, value) => logger.info('metric', { metric: name, value }) };
}
