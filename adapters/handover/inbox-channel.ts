import type { HandoverChannel, Logger } from '../../core/ports';

/** No endpoint configured: the handover waits in the municipality's inbox (GET /handovers). */
export class InboxChannel implements HandoverChannel {
  constructor(private readonly logger: Logger) {}

  async deliver(notice: { handoverId: string; trajectoryId: string }): Promise<void> {
    this.logger.info('handover placed in the municipality inbox', notice);
  }
}
