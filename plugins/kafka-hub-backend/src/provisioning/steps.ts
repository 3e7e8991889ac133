import { describeKafkaError } from '../kafka';

/** A failed provisioning step: what was being done, then why it failed. */
class StepError extends Error {
  constructor(what: string, cause: unknown) {
    super(`${what}: ${describeKafkaError(cause)}`);
    this.name = 'StepError';
  }
}

/** A failed step's text: already prefixed when it came from `step`. */
export function errorText(error: unknown): string {
  return error instanceof StepError ? error.message : describeKafkaError(error);
}

/** Runs one step; its failure says which step it was. */
export async function step<T>(
  name: string,
  action: () => Promise<T>,
): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new StepError(name, error);
  }
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
