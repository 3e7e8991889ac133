import { SignalPayload, SignalsService } from '@backstage/plugin-signals-node';
import { JsonObject } from '@backstage/types';

/**
 * A signals service that records what it was asked to publish (the signals
 * backend's delivery is tested against the real plugin elsewhere), and can
 * be told to fail.
 */
export class RecordingSignals implements SignalsService {
  readonly published: SignalPayload[] = [];
  failWith?: Error;

  async publish<TMessage extends JsonObject = JsonObject>(
    signal: SignalPayload<TMessage>,
  ): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.published.push(signal);
  }

  /** The channels whose signals may reach a connection owning `ref`. */
  channelsReaching(ref: string): string[] {
    return this.published
      .filter(
        ({ recipients }) =>
          recipients.type === 'broadcast' ||
          [recipients.entityRef].flat().includes(ref),
      )
      .map(s => s.channel);
  }
}
