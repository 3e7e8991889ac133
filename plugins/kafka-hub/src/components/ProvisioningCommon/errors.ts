import { isError } from '@backstage/errors';

/**
 * The message to show a user for a failed request: the server's own message
 * when the backend answered with a Backstage error body, otherwise the
 * error's message.
 */
export function errorMessage(error: unknown): string {
  if (isError(error)) {
    const body = (error as { body?: { error?: { message?: unknown } } }).body;
    const serverMessage = body?.error?.message;
    if (typeof serverMessage === 'string' && serverMessage) {
      return serverMessage;
    }
    return error.message;
  }
  return String(error);
}
