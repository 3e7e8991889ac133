import {
  ProvisioningEngine,
  ProvisionRequest,
  ProvisionResult,
} from '../ProvisioningEngine';

/**
 * The real engine, under the test's control per application: a held
 * application's run waits at a gate until released, a failing one throws
 * (an engine defect) instead of provisioning.
 */
export class ControlledEngine extends ProvisioningEngine {
  /** Applications whose run reached the engine, in order. */
  readonly started: string[] = [];
  private readonly requests = new Map<string, ProvisionRequest>();
  private readonly gates = new Map<string, Deferred>();
  private readonly arrivals = new Map<string, Deferred>();
  private readonly failures = new Map<string, Error>();

  /** Runs of `application` wait until `release`. */
  hold(application: string): void {
    this.gates.set(application, deferred());
  }

  release(application: string): void {
    this.gates.get(application)?.resolve();
  }

  /** Runs of `application` throw `error`. */
  failWith(application: string, error: Error): void {
    this.failures.set(application, error);
  }

  /** Resolves once a run of `application` reached the engine. */
  reached(application: string): Promise<void> {
    return this.arrival(application).promise;
  }

  /** The signal of the latest run of `application`. */
  signalOf(application: string): AbortSignal | undefined {
    return this.requests.get(application)?.signal;
  }

  async provision(request: ProvisionRequest): Promise<ProvisionResult> {
    const { application } = request;
    this.started.push(application);
    this.requests.set(application, request);
    this.arrival(application).resolve();
    await this.gates.get(application)?.promise;
    const failure = this.failures.get(application);
    if (failure) {
      throw failure;
    }
    return super.provision(request);
  }

  private arrival(application: string): Deferred {
    let arrival = this.arrivals.get(application);
    if (!arrival) {
      arrival = deferred();
      this.arrivals.set(application, arrival);
    }
    return arrival;
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve: () => void = () => {};
  const promise = new Promise<void>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves once `signal` aborts. */
export function abortOf(signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
