import {
  ProvisioningEngine,
  ProvisionRequest,
  ProvisionResult,
} from '../ProvisioningEngine';

/**
 * The real engine, except that every run waits at a gate the test opens:
 * runs a test starts stay in progress, however fast the broker answers,
 * until the test has done what it must do while they are running.
 */
export class GatedEngine extends ProvisioningEngine {
  /** Applications whose run reached the engine, in order. */
  readonly started: string[] = [];
  private openGate: () => void = () => {};
  private readonly gate = new Promise<void>(resolve => {
    this.openGate = resolve;
  });

  async provision(request: ProvisionRequest): Promise<ProvisionResult> {
    this.started.push(request.application);
    await this.gate;
    return super.provision(request);
  }

  /** Lets every waiting run, and every later one, through. */
  open(): void {
    this.openGate();
  }
}
