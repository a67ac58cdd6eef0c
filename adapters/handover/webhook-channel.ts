/**
 * Tells the municipality's endpoint that a handover is ready (IDs only; it fetches the dossier
 * with its own token). The body is signed with HMAC-SHA256 of a shared secret.
 */
import { createHmac } from 'node:crypto';
import { DeliveryFailedError } from '../../core/errors';
import type { HandoverChannel } from '../../core/ports';

export class WebhookChannel implements HandoverChannel {
  constructor(
    private readonly endpoint: string,
    private readonly secret: () => Promise<string>,
    private readonly timeoutMs = 10_000,
  ) {}

  async deliver(notice: { handoverId: string; trajectoryId: string }): Promise<void> {
    const body = JSON.stringify({ type: 'handover.ready', ...notice });
    const signature = createHmac('sha256', await this.secret()).update(body).digest('hex');
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-trajectregie-signature': `sha256=${signature}` },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new DeliveryFailedError(`The municipality endpoint did not answer: ${(error as Error).name}`);
    }
    if (!response.ok) throw new DeliveryFailedError(`The municipality endpoint answered ${response.status}`);
  }
}
