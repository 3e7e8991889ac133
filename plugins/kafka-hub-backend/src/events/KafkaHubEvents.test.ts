import { mockServices } from '@backstage/backend-test-utils';
import { KafkaHubEvent, KafkaHubEvents } from './KafkaHubEvents';

/** A promise the test resolves. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>(resolve => {
    open = resolve;
  });
  return { opened, open };
}

const changed = (entityRef: string): KafkaHubEvent => ({
  type: 'provisioning-changed',
  entityRefs: [entityRef],
  reason: 'run-started',
});

const refsOf = (events: KafkaHubEvent[]) =>
  events.map(e => (e.type === 'provisioning-changed' ? e.entityRefs[0] : '?'));

describe('KafkaHubEvents', () => {
  it('returns from emit before any listener ran, and each listener works through its events in order, one at a time', async () => {
    const events = new KafkaHubEvents(mockServices.logger.mock());
    const slowGate = gate();
    const slowSeen: KafkaHubEvent[] = [];
    let slowInFlight = 0;
    let slowMaxInFlight = 0;
    events.subscribe('slow', async event => {
      slowInFlight++;
      slowMaxInFlight = Math.max(slowMaxInFlight, slowInFlight);
      slowSeen.push(event);
      await slowGate.opened;
      slowInFlight--;
    });
    const fastSeen: KafkaHubEvent[] = [];
    events.subscribe('fast', async event => {
      fastSeen.push(event);
    });

    events.emit(changed('a'));
    events.emit(changed('b'));
    // Nothing ran inside emit.
    expect(slowSeen).toEqual([]);
    expect(fastSeen).toEqual([]);

    // The slow listener holds up neither the emitter nor the fast one.
    let idle = false;
    const idlePromise = events.idle().then(() => {
      idle = true;
    });
    await new Promise(setImmediate);
    expect(refsOf(fastSeen)).toEqual(['a', 'b']);
    expect(refsOf(slowSeen)).toEqual(['a']);
    expect(idle).toBe(false);

    slowGate.open();
    await idlePromise;
    expect(refsOf(slowSeen)).toEqual(['a', 'b']);
    expect(slowMaxInFlight).toBe(1);
  });

  it('logs what a listener throws and goes on with the next event', async () => {
    const logger = mockServices.logger.mock();
    const events = new KafkaHubEvents(logger);
    const seen: string[] = [];
    events.subscribe('flaky', async event => {
      const [ref] = refsOf([event]);
      if (ref === 'a') throw new Error('HTTP 503 from notifications');
      seen.push(ref);
    });
    events.emit(changed('a'));
    events.emit(changed('b'));
    await events.idle();
    expect(seen).toEqual(['b']);
    expect(logger.warn).toHaveBeenCalledWith(
      'Kafka Hub listener flaky failed on provisioning-changed: HTTP 503 from notifications',
    );
  });

  it('keeps a listener that fell behind to maxPending events, dropping the oldest, and says so', async () => {
    const logger = mockServices.logger.mock();
    const events = new KafkaHubEvents(logger);
    const held = gate();
    const seen: string[] = [];
    events.subscribe(
      'stuck',
      async event => {
        seen.push(refsOf([event])[0]);
        await held.opened;
      },
      { maxPending: 3 },
    );
    events.emit(changed('first'));
    await new Promise(setImmediate);
    // 'first' is in the listener; six more wait, three fit.
    for (const ref of ['1', '2', '3', '4', '5', '6']) events.emit(changed(ref));
    held.open();
    await events.idle();
    expect(seen).toEqual(['first', '4', '5', '6']);
    expect(logger.warn).toHaveBeenCalledWith(
      'Kafka Hub listener stuck fell behind: dropped its 3 oldest event(s)',
    );
  });

  it('takes no events once closed, and close waits for the queued ones', async () => {
    const events = new KafkaHubEvents(mockServices.logger.mock());
    const held = gate();
    const seen: string[] = [];
    events.subscribe('listener', async event => {
      await held.opened;
      seen.push(refsOf([event])[0]);
    });
    events.emit(changed('queued'));
    let closed = false;
    const closing = events.close().then(() => {
      closed = true;
    });
    events.emit(changed('after-close'));
    await new Promise(setImmediate);
    expect(closed).toBe(false);
    held.open();
    await closing;
    expect(seen).toEqual(['queued']);
  });
});
