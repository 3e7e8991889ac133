import { ProvisioningStore } from '../../database/provisioning/ProvisioningStore';
import {
  FinishRunOptions,
  FinishRunResult,
  UpsertDesiredOptions,
  UpsertDesiredResult,
} from '../../database/provisioning/types';

/**
 * The real store, observed and faulted by the test: lease renewals can be
 * awaited, finishing a chosen application's run fails once, and each
 * recorded desired state can call back.
 */
export class ObservedStore extends ProvisioningStore {
  private readonly renewalWaiters: Array<{
    entityRef: string;
    at: Date;
    resolve: (ours: boolean) => void;
  }> = [];
  private readonly failFinish = new Map<string, Error>();
  /** Called after each recorded desired state. */
  afterUpsert: () => void = () => {};

  /** The next `finishRun` of `entityRef` throws `error`. */
  failNextFinish(entityRef: string, error: Error): void {
    this.failFinish.set(entityRef, error);
  }

  /** Resolves with the outcome of a renewal of `entityRef` made at `at` or later. */
  renewalAt(entityRef: string, at: Date): Promise<boolean> {
    return new Promise(resolve =>
      this.renewalWaiters.push({ entityRef, at, resolve }),
    );
  }

  async renewLease(options: {
    entityRef: string;
    runId: string;
    now: Date;
    leaseMs: number;
  }): Promise<boolean> {
    const ours = await super.renewLease(options);
    for (const waiter of [...this.renewalWaiters]) {
      if (
        waiter.entityRef === options.entityRef &&
        options.now.getTime() >= waiter.at.getTime()
      ) {
        this.renewalWaiters.splice(this.renewalWaiters.indexOf(waiter), 1);
        waiter.resolve(ours);
      }
    }
    return ours;
  }

  async finishRun(options: FinishRunOptions): Promise<FinishRunResult> {
    const failure = this.failFinish.get(options.entityRef);
    if (failure) {
      this.failFinish.delete(options.entityRef);
      throw failure;
    }
    return super.finishRun(options);
  }

  async upsertDesired(
    options: UpsertDesiredOptions,
  ): Promise<UpsertDesiredResult> {
    const result = await super.upsertDesired(options);
    this.afterUpsert();
    return result;
  }
}
